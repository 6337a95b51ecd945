"""The downgrade-only verifier: a hedge check, then one yes/no question to the LLM."""

from __future__ import annotations

import re
from dataclasses import dataclass

from service.components.llm import LLM
from service.components.prompts import PromptTemplate
from service.pipeline.prompting import fence, render

HEDGE = re.compile(
    r"\b(?:not yet|planned|plans? to|will be|to be (?:defined|developed|implemented|established|"
    r"agreed|written|approved)|draft|tbd|we do not|does not|do not|is not|are not|no formal|"
    r"has not|have not|pending|under development|not started|not been|no longer|intends? to|"
    r"(?:is|are) being (?:prepared|drafted|developed|written)|expected (?:in|by) (?:q[1-4]|\d{4})|"
    r"optional|may be skipped)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Verdict:
    """Whether a match stands, and why not when it does not."""

    holds: bool
    reason: str = ""
    asked_model: bool = False


class Verifier:
    """Checks one (facet, sentence) pair; it can only take a finding away, never add one."""

    def __init__(self, llm: LLM | None, template: PromptTemplate) -> None:
        self._llm = llm
        self.template = template
        self.asked = 0
        self.agreed = 0

    def check(self, facet: str, sentence: str) -> Verdict:
        """Reject hedged sentences outright; ask the model about the rest, if there is one."""
        hedge = HEDGE.search(sentence)
        if hedge:
            return Verdict(False, f"the sentence is hedged or negated ('{hedge.group(0)}')")
        if self._llm is None:
            return Verdict(True)
        system, user = render(self.template, facet=facet, sentence=fence(sentence))
        answer = self._llm.choose(system, user, ("Yes", "No"))
        self.asked += 1
        if answer == "Yes":
            self.agreed += 1
            return Verdict(True, asked_model=True)
        return Verdict(False, "the verifier found the sentence does not state it", True)

    @property
    def agreement(self) -> float:
        """Share of questions the model answered yes (1.0 when none was asked)."""
        return self.agreed / self.asked if self.asked else 1.0
