"""The downgrade-only verifier: a hedge check, then P(yes) that a sentence shows a facet.

The model is asked "does this sentence show this facet?" about one (facet, sentence) pair,
and its answer is remembered per pair. Where the provider gives token probabilities (the
embedded llama.cpp model) the answer is P(Yes) as the reply's first token, compared with
cut-offs calibrated on the labelled real documents (``evals/calibrate_facet_check.py``);
elsewhere it is the model's constrained Yes/No, read as 1.0 or 0.0. Either way a verdict
depends on its own pair only, never on the other candidates, so the checks keep matching
monotone: removing documents removes candidates, never raises what one of them earns.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass

from service.components.llm import LLM
from service.components.llm.base import OptionScorer
from service.components.prompts import PromptTemplate
from service.pipeline.prompting import fence, render

HEDGE = re.compile(
    r"\b(?:not yet|planned|plans? to|will be|to be (?:defined|developed|implemented|established|"
    r"agreed|written|approved)|draft|tbd|we do not|does not|do not|is not|are not|no formal|"
    r"has not|have not|pending|under development|not started|not been|no longer|intends? to|"
    r"(?:is|are) being (?:prepared|drafted|developed|written)|expected (?:in|by) (?:q[1-4]|\d{4})|"
    r"optional|may be skipped|(?:don|doesn|isn|aren|haven|hasn)['\u2019]t|nobody|no one|"
    r"(?:we|they|i)(?:['\u2019]ve| have)? never|(?:has|have|had) never|"
    r"not (?:implemented|applicable|in place|performed|documented))\b",
    re.IGNORECASE,
)
OPTIONS = ("Yes", "No")


@dataclass(frozen=True)
class ModelCutOffs:
    """The model's P(Yes) a candidate needs: to make a facet met, and to make it partial."""

    met: float = 0.5
    partial: float = 0.5


@dataclass(frozen=True)
class Verdict:
    """What a candidate sentence earns after the checks: 'met', 'partial' or '' (nothing)."""

    earns: str
    reason: str = ""
    asked_model: bool = False

    @property
    def holds(self) -> bool:
        """Whether the candidate earns anything at all."""
        return bool(self.earns)


class Verifier:
    """Checks one (facet, sentence) pair; it can only take a finding away, never add one."""

    def __init__(self, llm: LLM | None, template: PromptTemplate,
                 cut_offs: ModelCutOffs | None = None) -> None:
        self._llm = llm
        self.template = template
        self.cut_offs = cut_offs or ModelCutOffs()
        self.asked = 0
        self.agreed = 0
        self.calls = 0
        self._answers: dict[tuple[str, str], float] = {}
        self._lock = threading.Lock()

    def check(self, facet: str, sentence: str, matched: str = "met") -> Verdict:
        """What a candidate that matching found at ``matched`` ('met' or 'partial') earns.

        A hedged sentence earns nothing. Without a model the match stands. With one, a
        candidate matched at met keeps met at P(Yes) over the met cut-off, drops to partial
        over the partial cut-off, and earns nothing under it; one matched at partial keeps
        partial over the partial cut-off. So the model can only lower a match, never raise it.
        With a partial cut-off of 0 the model is not asked about partial matches at all.
        """
        hedge = HEDGE.search(sentence)
        if hedge:
            return Verdict("", f"the sentence is hedged or negated ('{hedge.group(0)}')")
        if self._llm is None or (matched == "partial" and self.cut_offs.partial <= 0):
            return Verdict(matched)
        p_yes = self.probability(facet, sentence)
        if matched == "met" and p_yes >= self.cut_offs.met:
            earns = "met"
        elif p_yes >= self.cut_offs.partial:
            earns = "partial"
        else:
            earns = ""
        with self._lock:
            self.asked += 1
            self.agreed += earns == matched
        if earns:
            return Verdict(earns, "" if earns == matched else
                           f"the verifier found the sentence only partly shows it "
                           f"(P(yes) {p_yes:.2f})", True)
        return Verdict("", f"the verifier found the sentence does not show it "
                           f"(P(yes) {p_yes:.2f})", True)

    def probability(self, facet: str, sentence: str) -> float:
        """The model's P(Yes) that ``sentence`` shows ``facet``, asked once per pair.

        1.0 without a model; 1.0 or 0.0 from a provider without token probabilities.
        """
        if self._llm is None:
            return 1.0
        key = (facet, sentence)
        with self._lock:
            known = self._answers.get(key)
        if known is not None:
            return known
        system, user = render(self.template, facet=facet, sentence=fence(sentence))
        probabilities = (self._llm.option_probabilities(system, user, OPTIONS)
                         if isinstance(self._llm, OptionScorer) else None)
        if probabilities is None:
            p_yes = 1.0 if self._llm.choose(system, user, OPTIONS) == "Yes" else 0.0
        else:
            p_yes = probabilities["Yes"]
        with self._lock:
            self._answers[key] = p_yes
            self.calls += 1
        return p_yes

    @property
    def agreement(self) -> float:
        """Share of checks in which the model upheld the match as found (1.0 when none was)."""
        return self.agreed / self.asked if self.asked else 1.0
