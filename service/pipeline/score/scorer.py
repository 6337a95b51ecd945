"""Turn a requirement and its evidence into a proposal: findings, levels, gaps, rationale."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Protocol

from service.domain.assessment import (
    FacetFinding,
    Proposal,
    ProposalStatus,
    Provenance,
    RationaleSource,
)
from service.domain.catalog import Requirement, Scale
from service.domain.evidence import Evidence
from service.pipeline.retrieve import Retriever
from service.pipeline.score import levels
from service.pipeline.score.citations import citation_problems, citations_for
from service.pipeline.score.freshness import Freshness
from service.pipeline.score.ocr_support import hold_back_poor_scans
from service.pipeline.score.rationale import template_rationale

NO_EVIDENCE = "No evidence found: no passage passed the relevance floor."
WEAK_EVIDENCE = ("Level 0: passages passed the relevance floor, but no sentence in them comes "
                 "near any facet of the requirement")


class Strategy(Protocol):
    """Produces facet findings (and the reasons for any downgrade) from evidence."""

    name: str

    @property
    def agreement(self) -> float:
        """Share of checked findings that the checks upheld, so far (1.0 before any)."""
        ...

    def findings(self, requirement: Requirement,
                 evidence: list[Evidence]) -> tuple[tuple[FacetFinding, ...], list[str]]:
        """One finding per facet, and the problems found while checking them."""
        ...


class Scorer:
    """Proposes a level per requirement; no LLM call when nothing passes the floor.

    ``labels`` names the 0-5 maturity levels (the ``maturity-0-5`` scale of the corpus).
    A met facet whose only support was read by OCR under ``ocr_min_confidence`` is held
    at partial (``ocr_support``). Level 1 needs some facet matched at least ``weak_match``
    (``levels.relevant``; 0: any evidence over the floor). ``by_sentence`` reads every chunk
    that passes the floor on its best sentence too, as the evidence list shows them.
    Every proposal gets the template rationale; with ``model_rationale`` a proposal that has
    evidence is marked pending, for the model to write its rationale after the levels
    (``pipeline/rationales.py``).
    """

    def __init__(self, retriever: Retriever, strategy: Strategy, scale: Scale,
                 provenance: Provenance, model_rationale: bool,
                 labels: tuple[str, ...], freshness: Freshness | None = None,
                 ocr_min_confidence: float = 0.0, weak_match: float = 0.0,
                 by_sentence: bool = False) -> None:
        self._labels = labels
        self._by_sentence = by_sentence
        self._weak_match = weak_match
        self._ocr_min_confidence = ocr_min_confidence
        self._retriever = retriever
        self._strategy = strategy
        self._scale = scale
        self._provenance = provenance
        self._model_rationale = model_rationale
        self._freshness = freshness

    def propose(self, requirement: Requirement) -> Proposal:
        """Retrieve, date the records, find, check, level and explain."""
        evidence = self._retriever.evidence(requirement, by_sentence=self._by_sentence)
        provenance = self._provenance.model_copy(update={"created_at": datetime.now(UTC)})
        if not evidence:
            return self._empty(requirement, provenance)
        stale: list[str] = []
        if self._freshness is not None:
            evidence, stale = self._freshness.mark(requirement, evidence)
        findings, flags = self._strategy.findings(requirement, evidence)
        findings, poor_scans = hold_back_poor_scans(findings, evidence,
                                                    self._ocr_min_confidence)
        flags = flags + citation_problems(findings, evidence) + poor_scans
        has_records = any(e.counts_as_record for e in evidence)
        relevant = levels.relevant(findings, self._weak_match)
        weak = () if relevant else (f"{WEAK_EVIDENCE} (best match under "
                                    f"{self._weak_match:.2f}).",)
        maturity = levels.maturity(findings, has_evidence=relevant)
        documents = {e.chunk.chunk_id: e.chunk.document for e in evidence}
        cited = [documents[f.chunk_id] for f in findings if f.chunk_id in documents]
        thresholds = self._provenance.thresholds
        rationale = template_rationale(findings, maturity, self._labels[maturity],
                                       cited or [e.chunk.document for e in evidence])
        return Proposal(
            ref_id=requirement.ref_id, title=requirement.shown_title, theme=requirement.theme,
            maturity=maturity, level=levels.on_scale(maturity, self._scale),
            documentation_level=levels.documentation_level(findings, relevant),
            implementation_level=levels.implementation_level(findings, has_records),
            confidence=levels.confidence(findings, thresholds["met"], thresholds["partial"],
                                         self._strategy.agreement),
            rationale=rationale,
            rationale_source=(RationaleSource.PENDING if self._model_rationale
                              else RationaleSource.TEMPLATE),
            facets=findings, citations=tuple(citations_for(findings, evidence)),
            gaps=(*weak, *stale, *levels.gaps(findings, requirement.typical_evidence), *poor_scans),
            status=ProposalStatus.FLAGGED if flags else ProposalStatus.PROPOSED,
            flags=tuple(flags), provenance=provenance,
        )

    def _empty(self, requirement: Requirement, provenance: Provenance) -> Proposal:
        findings = tuple(
            FacetFinding(id=f.id, text=f.shown_text, kind=f.kind, status="not_met",
                         note="no evidence")
            for f in requirement.facets
        )
        suggestion = "; ".join(requirement.typical_evidence)
        return Proposal(
            ref_id=requirement.ref_id, title=requirement.shown_title, theme=requirement.theme,
            maturity=0, level=levels.on_scale(0, self._scale), documentation_level=0,
            implementation_level=0, confidence=0.9,
            rationale=template_rationale(findings, 0, self._labels[0], []),
            facets=findings, citations=(),
            gaps=(f"{NO_EVIDENCE} Suggested evidence: {suggestion}.",),
            status=ProposalStatus.PROPOSED, provenance=provenance,
        )
