"""Strategy `match`: findings from sentence matching, checked by the downgrade-only verifier.

The model is asked, per candidate, whether the sentence shows the facet (``verify``); it can
only lower what the match found. Candidates are taken best first and the search stops once
nothing further could raise the finding, so most facets cost one call.
"""

from __future__ import annotations

from service.components.vectorstore import VectorStore
from service.domain.assessment import FacetFinding, FacetStatus
from service.domain.catalog import FacetKind, Requirement
from service.domain.evidence import Evidence
from service.pipeline.retrieve import Retriever
from service.pipeline.score.genericity import Genericity
from service.pipeline.score.matching import Thresholds, claim, match_candidates, near_sentences
from service.pipeline.score.scorer import Findings
from service.pipeline.score.verify import Verifier


class MatchStrategy:
    """Facet findings by embedding similarity, record gating and verification."""

    name = "match"

    def __init__(self, store: VectorStore, workspace: str, retriever: Retriever,
                 verifier: Verifier, thresholds: Thresholds,
                 genericity: Genericity | None = None) -> None:
        self._store = store
        self._genericity = genericity
        self._workspace = workspace
        self._retriever = retriever
        self.verifier = verifier
        self.thresholds = thresholds

    @property
    def agreement(self) -> float:
        """How often the verifier upheld a match."""
        return self.verifier.agreement

    def findings(self, requirement: Requirement, evidence: list[Evidence]) -> Findings:
        """One finding per facet and the near count; matching reports no problems (no flags)."""
        sentences, vectors = self._store.sentences(
            self._workspace, [e.chunk.chunk_id for e in evidence]
        )
        facet_vectors = self._retriever.vectors([claim(f.text) for f in requirement.facets])
        penalties = self._genericity.penalties(vectors) if self._genericity else None
        candidates = match_candidates(requirement.facets, facet_vectors, sentences, vectors,
                                      evidence, self.thresholds, penalties)
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
            met, partial = self.thresholds.cut_offs(facet.kind)
            for candidate in candidates[facet.id]:
                if candidate.score < partial:
                    break  # under partial: only the level-1 rule counts it (near_sentences)
                # Best first: the candidates over the met cut-off come before the rest. Each
                # is checked on its own (hedge check, then the model's P(yes) that this
                # sentence shows this facet, remembered per pair): a candidate earns met,
                # partial or nothing, and never more than its match. The finding is the best
                # that any candidate earns. That makes it monotone: removing documents only
                # removes candidates, so it can only lower the finding; no rank cut, because
                # a cut would let a lower candidate move up and be asked in a removed one's
                # place. The loop stops as soon as nothing further can raise the finding
                # (met found, or partial found and only partial-zone candidates remain), which
                # bounds the model's calls without changing what the finding is.
                matched = "met" if candidate.score >= met else "partial"
                if finding.status == FacetStatus.PARTIAL and matched == "partial":
                    break
                verdict = self.verifier.check(facet.text, candidate.sentence.text, matched)
                if not verdict.holds:
                    if finding.status == FacetStatus.NOT_MET:
                        finding = finding.model_copy(update={"note": verdict.reason,
                                                             "similarity": candidate.score})
                    continue
                if verdict.earns == "partial" and finding.status == FacetStatus.PARTIAL:
                    continue
                status = FacetStatus.MET if verdict.earns == "met" else FacetStatus.PARTIAL
                finding = finding.model_copy(update={
                    "status": status, "quote": candidate.sentence.text,
                    "chunk_id": candidate.sentence.chunk_id, "similarity": candidate.score,
                    "note": verdict.reason})
                if status == FacetStatus.MET:
                    break
            if finding.status == FacetStatus.NOT_MET and candidates[facet.id]:
                # The best match score, hedged or refused or under partial, as the finding's
                # similarity: the reviewer sees how near the evidence came.
                finding = finding.model_copy(update={"similarity": candidates[facet.id][0].score})
            findings.append(finding)
        near = near_sentences(((c.sentence.text, c.score) for found in candidates.values()
                               for c in found), self.thresholds.weak)
        return Findings(tuple(findings), [], near)
