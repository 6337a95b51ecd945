"""Strategy `judge`, for capable models: the LLM judges facets, and the verifiers check it.

A finding that fails a check is downgraded to not_met and the proposal is flagged with the
reason: a quote must be verbatim in a retrieved passage, related to its facet, and
implementation or improvement facets must rest on a record.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
from pydantic import BaseModel

from service.components.llm import LLM
from service.components.prompts import PromptTemplate
from service.domain.assessment import FacetFinding, FacetStatus
from service.domain.catalog import Facet, FacetKind, Requirement
from service.domain.evidence import Evidence, EvidenceKind
from service.pipeline.prompting import evidence_block, render
from service.pipeline.retrieve import Retriever
from service.pipeline.score.citations import quote_in
from service.pipeline.score.matching import Thresholds
from service.pipeline.score.scorer import Findings
from service.pipeline.score.verify import HEDGE


class JudgedFacet(BaseModel):
    """The model's finding for one facet."""

    facet_id: str
    status: Literal["met", "partial", "not_met"]
    quote: str | None = None
    passage: str | None = None


class Judgement(BaseModel):
    """The model's findings for every facet of a requirement."""

    facets: list[JudgedFacet]


def kind_label(evidence: Evidence) -> str:
    """A passage's kind for the prompt; a stale record says it is too old to show practice."""
    if evidence.stale and evidence.record_date is not None:
        return f"record of {evidence.record_date.shown}, older than the review period"
    return evidence.chunk.kind.value


class JudgeStrategy:
    """Direct judgement under structured output, then the same verifiers as matching."""

    name = "judge"

    def __init__(self, llm: LLM, template: PromptTemplate, retriever: Retriever,
                 thresholds: Thresholds) -> None:
        self._llm = llm
        self.template = template
        self._retriever = retriever
        self.thresholds = thresholds
        self._checked = 0
        self._upheld = 0

    @property
    def agreement(self) -> float:
        """How often the verifiers upheld a finding the model claimed."""
        return self._upheld / self._checked if self._checked else 1.0

    def findings(self, requirement: Requirement, evidence: list[Evidence]) -> Findings:
        """Findings per facet and the reasons for every downgrade (which flag the proposal).

        The judge does not count near sentences (its level 1 needs evidence over the floor).
        """
        passages = {f"P{i}": e for i, e in enumerate(evidence, start=1)}
        system, user = render(
            self.template, ref_id=requirement.ref_id, title=requirement.title,
            summary=requirement.summary,
            facets="\n".join(f"- {f.id} [{f.kind.value}]: {f.text}" for f in requirement.facets),
            passages="\n".join(evidence_block(f"{pid} ({kind_label(e)})", e.chunk.text)
                               for pid, e in passages.items()),
        )
        judged = {j.facet_id: j for j in self._llm.structured(system, user, Judgement).facets}
        findings, flags = [], []
        for facet in requirement.facets:
            finding, problem = self._check(facet, judged.get(facet.id), passages)
            claimed = facet.id in judged and judged[facet.id].status != "not_met"
            self._checked += claimed
            self._upheld += claimed and not problem
            findings.append(finding)
            if problem:
                flags.append(f"{facet.id}: {problem}")
        return Findings(tuple(findings), flags)

    def _check(self, facet: Facet, judged: JudgedFacet | None,
               passages: dict[str, Evidence]) -> tuple[FacetFinding, str]:
        unmet = FacetFinding(id=facet.id, text=facet.shown_text, kind=facet.kind,
                             status=FacetStatus.NOT_MET)
        if judged is None:
            return unmet, "the model gave no finding"
        if judged.status == "not_met":
            return unmet, ""
        source = passages.get(judged.passage or "")
        quote = judged.quote or ""
        problem = ""
        if source is None:
            problem = f"cites passage {judged.passage!r}, which was not retrieved"
        elif not quote_in(quote, source.chunk.text):
            problem = "the quote is not verbatim in the cited passage"
        elif facet.kind != FacetKind.DOCUMENTATION and source.stale:
            problem = (f"an {facet.kind.value} facet needs a current record, the passage's "
                       "record is older than the review period")
        elif facet.kind != FacetKind.DOCUMENTATION and source.chunk.kind != EvidenceKind.RECORD:
            problem = f"a {facet.kind.value} facet needs a record, the passage is a policy"
        elif HEDGE.search(quote):
            problem = "the quote is hedged or negated"
        if problem or source is None:
            return unmet.model_copy(update={"note": problem}), problem
        facet_vector, quote_vector = self._retriever.vectors([facet.text, quote])
        similarity = float(np.dot(facet_vector, quote_vector))
        if similarity < self.thresholds.partial - 0.1:
            problem = f"the quote is unrelated to the facet (similarity {similarity:.2f})"
            return unmet.model_copy(update={"note": problem}), problem
        return FacetFinding(id=facet.id, text=facet.shown_text, kind=facet.kind,
                            status=FacetStatus(judged.status), quote=quote,
                            chunk_id=source.chunk.chunk_id, similarity=similarity), ""
