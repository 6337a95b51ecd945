"""Turn a requirement and its evidence into a proposal: findings, levels, gaps, rationale."""

from __future__ import annotations

from dataclasses import dataclass
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

def weak_evidence(near: int, weak: float, corroboration: int) -> str:
    """Why a requirement with evidence over the floor stays at level 0 (``levels.relevant``)."""
    found = "no sentence" if near == 0 else f"only {near} different sentence" + "s" * (near > 1)
    return (f"Level 0: passages passed the relevance floor, but {found} in them "
            f"{'comes' if near <= 1 else 'come'} near a facet of the requirement (match "
            f"{weak:.2f} or more) and none meets one; level 1 needs {corroboration}: a single "
            "passing mention, such as a list of topics, is not evidence of an approach.")


@dataclass(frozen=True)
class Findings:
    """What a strategy found for one requirement.

    ``near`` counts the different sentences of the evidence that come near some facet (match
    score at least the weak cut-off, not hedged): the level-1 rule reads it
    (``levels.relevant``). A strategy that does not count them reports 0.
    """

    facets: tuple[FacetFinding, ...]
    flags: list[str]
    near: int = 0


class Strategy(Protocol):
    """Produces facet findings (and the reasons for any downgrade) from evidence."""

    name: str

    @property
    def agreement(self) -> float:
        """Share of checked findings that the checks upheld, so far (1.0 before any)."""
        ...

    def findings(self, requirement: Requirement, evidence: list[Evidence]) -> Findings:
        """One finding per facet, the problems found while checking them, the near count."""
        ...


class Scorer:
    """Proposes a level per requirement; no LLM call when nothing passes the floor.

    ``labels`` names the 0-5 maturity levels (the ``maturity-0-5`` scale of the corpus).
    A met facet whose only support was read by OCR under ``ocr_min_confidence`` is held
    at partial (``ocr_support``). Level 1 needs a facet met, or ``corroboration`` different
    sentences of the evidence matching some facet at least ``weak_match``
    (``levels.relevant``; a ``weak_match`` of 0: any evidence over the floor).
    ``by_sentence`` reads every chunk that passes the floor on its best sentence too, as the
    evidence list shows them.
    Every proposal gets the template rationale; with ``model_rationale`` a proposal that has
    evidence is marked pending, for the model to write its rationale after the levels
    (``pipeline/rationales.py``).
    """

    def __init__(self, retriever: Retriever, strategy: Strategy, scale: Scale,
                 provenance: Provenance, model_rationale: bool,
                 labels: tuple[str, ...], freshness: Freshness | None = None,
                 ocr_min_confidence: float = 0.0, weak_match: float = 0.0,
                 corroboration: int = 1,
                 by_sentence: bool = False) -> None:
        self._labels = labels
        self._by_sentence = by_sentence
        self._weak_match = weak_match
        self._corroboration = corroboration
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
        found = self._strategy.findings(requirement, evidence)
        findings, flags = found.facets, found.flags
        findings, poor_scans = hold_back_poor_scans(findings, evidence,
                                                    self._ocr_min_confidence)
        flags = flags + citation_problems(findings, evidence) + poor_scans
        has_records = any(e.counts_as_record for e in evidence)
        relevant = levels.relevant(findings, found.near, self._weak_match,
                                   self._corroboration)
        weak = () if relevant else (weak_evidence(found.near, self._weak_match,
                                                  self._corroboration),)
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
