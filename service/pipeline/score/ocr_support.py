"""A met facet never rests on a poorly read scan alone: such a facet is held at partial.

A finding cites one sentence of one chunk. When that chunk was read by OCR with a mean
word confidence under the setting ``scoring.ocr_min_confidence``, the machine may have
misread the very words that meet the facet, so the facet is lowered from met to partial
and the reason is given: in the finding's note, as a gap and as a flag for the reviewer.
The rule only ever lowers a status, so it can only lower a level.
"""

from __future__ import annotations

from service.domain.assessment import FacetFinding, FacetStatus
from service.domain.evidence import Chunk, Evidence


def _reason(finding: FacetFinding, chunk: Chunk, minimum: float) -> str:
    where = chunk.document + (f", page {chunk.page}" if chunk.page is not None else "")
    return (f"'{finding.text}' is held at partial: its only support is a passage read by OCR "
            f"at {chunk.ocr_confidence:.0f}% confidence ({where}), under "
            f"{minimum:.0f}% (ASSAY_SCORING__OCR_MIN_CONFIDENCE); check the page image, or "
            "add a clearer copy")


def hold_back_poor_scans(
    findings: tuple[FacetFinding, ...], evidence: list[Evidence], minimum: float
) -> tuple[tuple[FacetFinding, ...], list[str]]:
    """The findings with each met facet whose support is a poorly read scan made partial.

    Returns the findings and one reason per facet held back.
    """
    chunks = {e.chunk.chunk_id: e.chunk for e in evidence}
    held: list[FacetFinding] = []
    reasons: list[str] = []
    for finding in findings:
        chunk = chunks.get(finding.chunk_id or "")
        if (finding.status == FacetStatus.MET and chunk is not None
                and chunk.ocr_confidence is not None and chunk.ocr_confidence < minimum):
            reason = _reason(finding, chunk, minimum)
            finding = finding.model_copy(update={"status": FacetStatus.PARTIAL, "note": reason})
            reasons.append(reason)
        held.append(finding)
    return tuple(held), reasons
