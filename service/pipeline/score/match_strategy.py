"""Strategy `match`: findings from sentence matching, checked by the downgrade-only verifier.

The model is asked only about candidates that could make a facet met (over the met cut-off):
they decide a level, and a partial finding rests on the match and the hedge check alone.
That bounds the model's work per requirement by the candidates over the met cut-off.
"""

from __future__ import annotations

from service.components.vectorstore import VectorStore
from service.domain.assessment import FacetFinding, FacetStatus
from service.domain.catalog import FacetKind, Requirement
from service.domain.evidence import Evidence
from service.pipeline.retrieve import Retriever
from service.pipeline.score.matching import Thresholds, claim, match_candidates
from service.pipeline.score.verify import Verifier


class MatchStrategy:
    """Facet findings by embedding similarity, record gating and verification."""

    name = "match"

    def __init__(self, store: VectorStore, workspace: str, retriever: Retriever,
                 verifier: Verifier, thresholds: Thresholds) -> None:
        self._store = store
        self._workspace = workspace
        self._retriever = retriever
        self.verifier = verifier
        self.thresholds = thresholds

    @property
    def agreement(self) -> float:
        """How often the verifier upheld a match."""
        return self.verifier.agreement

    def findings(self, requirement: Requirement,
                 evidence: list[Evidence]) -> tuple[tuple[FacetFinding, ...], list[str]]:
        """One finding per facet; matching never reports problems, so the flags are empty."""
        sentences, vectors = self._store.sentences(
            self._workspace, [e.chunk.chunk_id for e in evidence]
        )
        facet_vectors = self._retriever.vectors([claim(f.text) for f in requirement.facets])
        candidates = match_candidates(requirement.facets, facet_vectors, sentences, vectors,
                                      evidence, self.thresholds)
        has_records = any(e.counts_as_record for e in evidence)
        no_record = ("every record among the evidence is older than the review period"
                     if any(e.stale for e in evidence) else "no record among the evidence")
        findings = []
        for facet in requirement.facets:
            note = (no_record
                    if facet.kind != FacetKind.DOCUMENTATION and not has_records
                    else "no sentence of the evidence matches")
            finding = FacetFinding(id=facet.id, text=facet.shown_text, kind=facet.kind,
                                   status=FacetStatus.NOT_MET, note=note)
            met = self.thresholds.cut_offs(facet.kind)[0]
            for candidate in candidates[facet.id]:
                # Best first: the candidates over the met cut-off come before the rest. Only
                # they go to the model (hedge check, then one yes/no question); the first that
                # holds makes the facet met. The rest can only make it partial, and the hedge
                # check alone decides them. Each candidate's verdict depends on its own
                # sentence only (the model's answer is remembered per sentence), so the
                # finding is the best status any candidate earns: removing documents only
                # removes candidates and can never raise it.
                at_met = candidate.score >= met
                verdict = self.verifier.check(facet.text, candidate.sentence.text,
                                              ask_model=at_met)
                if not verdict.holds:
                    finding = finding.model_copy(update={"note": verdict.reason,
                                                         "similarity": candidate.score})
                    continue
                status = FacetStatus.MET if at_met else FacetStatus.PARTIAL
                finding = finding.model_copy(update={
                    "status": status, "quote": candidate.sentence.text,
                    "chunk_id": candidate.sentence.chunk_id, "similarity": candidate.score,
                    "note": ""})
                break
            findings.append(finding)
        return tuple(findings), []
