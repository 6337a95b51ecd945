"""The downgrade-only verifier: a hedge check, then one yes/no question to the LLM.

The question is about the sentence alone (is it a fact, or negated, planned, draft?), so the
model's answer is remembered per sentence: a sentence that is a candidate for several facets
or requirements costs one call, and its verdict is the same wherever it is asked.
"""

from __future__ import annotations

import re
import threading
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
        self._answers: dict[str, bool] = {}
        self._lock = threading.Lock()

    def check(self, facet: str, sentence: str, *, ask_model: bool = True) -> Verdict:
        """Reject hedged sentences outright; then, if ``ask_model`` and there is a model, ask it.

        ``ask_model`` is False for candidates that can only make a facet partial: the hedge
        check alone decides those, and the model's calls go to the candidates that decide
        whether a facet is met.
        """
        hedge = HEDGE.search(sentence)
        if hedge:
            return Verdict(False, f"the sentence is hedged or negated ('{hedge.group(0)}')")
        if self._llm is None or not ask_model:
            return Verdict(True)
        is_fact = self._is_fact(self._llm, sentence)
        with self._lock:
            self.asked += 1
            self.agreed += is_fact
        if is_fact:
            return Verdict(True, asked_model=True)
        return Verdict(False, "the verifier found the sentence does not state it", True)

    def _is_fact(self, llm: LLM, sentence: str) -> bool:
        with self._lock:
            known = self._answers.get(sentence)
        if known is not None:
            return known
        system, user = render(self.template, sentence=fence(sentence))
        answer = llm.choose(system, user, ("Yes", "No")) == "Yes"
        with self._lock:
            self._answers[sentence] = answer
        return answer

    @property
    def agreement(self) -> float:
        """Share of verdicts in which the model upheld the sentence (1.0 when none was asked)."""
        return self.agreed / self.asked if self.asked else 1.0
