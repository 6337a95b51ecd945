"""The poor-scan rule: a met facet resting only on a poorly read OCR passage is held at partial."""

from __future__ import annotations

import itertools

import pytest

from service.domain.assessment import FacetFinding, FacetStatus
from service.domain.catalog import FacetKind
from service.domain.evidence import Chunk, Evidence
from service.pipeline.score import levels
from service.pipeline.score.ocr_support import hold_back_poor_scans

MET, PARTIAL, NOT_MET = FacetStatus.MET, FacetStatus.PARTIAL, FacetStatus.NOT_MET
RANK = {NOT_MET: 0, PARTIAL: 1, MET: 2}


def evidence(chunk_id: str, confidence: float | None, page: int | None = 1) -> Evidence:
    chunk = Chunk(chunk_id=chunk_id, workspace="qa", document_id="d", document="scan.pdf",
                  index=0, text="...", page=page, ocr_confidence=confidence,
                  ocr_low=confidence is not None and confidence < 60)
    return Evidence(chunk=chunk, score=0.7)


def finding(n: int, status: FacetStatus, chunk_id: str | None,
            kind: FacetKind = FacetKind.DOCUMENTATION) -> FacetFinding:
    return FacetFinding(id=f"X-f{n}", text=f"facet {n}", kind=kind, status=status,
                        chunk_id=chunk_id, quote="a sentence" if chunk_id else None)


def test_only_met_facets_on_poor_scans_are_held_with_the_reason() -> None:
    found = (finding(1, MET, "poor"), finding(2, MET, "good"), finding(3, MET, "typed"),
             finding(4, PARTIAL, "poor"), finding(5, NOT_MET, None))
    pool = [evidence("poor", 41.6, page=3), evidence("good", 92.0), evidence("typed", None)]
    held, reasons = hold_back_poor_scans(found, pool, minimum=60)
    assert [f.status for f in held] == [PARTIAL, MET, MET, PARTIAL, NOT_MET]
    assert held[0].quote == "a sentence" and held[0].chunk_id == "poor"
    assert reasons == [held[0].note]
    assert "42% confidence (scan.pdf, page 3), under 60%" in reasons[0]
    assert "'facet 1'" in reasons[0] and "ASSAY_SCORING__OCR_MIN_CONFIDENCE" in reasons[0]


def test_a_threshold_of_zero_holds_nothing() -> None:
    found = (finding(1, MET, "poor"),)
    assert hold_back_poor_scans(found, [evidence("poor", 3.0)], minimum=0) == (found, [])


@pytest.mark.parametrize("statuses", list(itertools.product((MET, PARTIAL, NOT_MET), repeat=3)))
@pytest.mark.parametrize("confidence", [None, 10.0, 59.9, 60.0, 95.0])
def test_the_rule_only_ever_lowers_statuses_and_levels(
    statuses: tuple[FacetStatus, ...], confidence: float | None
) -> None:
    kinds = (FacetKind.DOCUMENTATION, FacetKind.IMPLEMENTATION, FacetKind.IMPROVEMENT)
    found = tuple(finding(n, status, "c" if status != NOT_MET else None, kind)
                  for n, (status, kind) in enumerate(zip(statuses, kinds, strict=True)))
    held, _ = hold_back_poor_scans(found, [evidence("c", confidence)], minimum=60)
    assert all(RANK[after.status] <= RANK[before.status]
               for before, after in zip(found, held, strict=True))
    assert levels.maturity(held, True) <= levels.maturity(found, True)
