"""The report counts the level that stands: the reviewer's where one decided."""

from __future__ import annotations

from datetime import UTC, datetime

from service.domain.assessment import (
    AssessmentStatus,
    Citation,
    FacetFinding,
    FacetStatus,
    Proposal,
)
from service.domain.catalog import FacetKind
from service.domain.report import AssessmentHeader
from service.domain.review import RequirementReview, ReviewAction, ReviewRecord, ReviewState
from service.pipeline.report import summarise
from tests.assessments import proposal

NOW = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)
HEADER = AssessmentHeader(assessment_id="a", framework="iso27001-2022", workspace="qa",
                          scale="maturity-0-5", status=AssessmentStatus.COMPLETED,
                          created_at=NOW)
ACTIONS = {ReviewState.ACCEPTED: ReviewAction.ACCEPT, ReviewState.OVERRIDDEN: ReviewAction.OVERRIDE,
           ReviewState.NA: ReviewAction.NA}


def with_gaps(ref_id: str, level: int, evidence: bool = True) -> Proposal:
    facets = (
        FacetFinding(id=f"{ref_id}-f1", text="a policy is approved", kind=FacetKind.DOCUMENTATION,
                     status=FacetStatus.MET),
        FacetFinding(id=f"{ref_id}-f2", text="access is reviewed", kind=FacetKind.IMPLEMENTATION,
                     status=FacetStatus.PARTIAL),
        FacetFinding(id=f"{ref_id}-f3", text="reviews are improved", kind=FacetKind.IMPROVEMENT,
                     status=FacetStatus.NOT_MET),
    )
    citations = (Citation(chunk_id="c1", document="policy.md", page=None, heading="",
                          quote="q"),) if evidence else ()
    return proposal(ref_id, level).model_copy(update={
        "facets": facets, "citations": citations,
        "gaps": ("Partly shown: access is reviewed Suggested evidence: logs.",
                 "Not shown: reviews are improved")})


def review(p: Proposal, state: ReviewState, level: int | None = None) -> RequirementReview:
    record = None if state == ReviewState.PENDING else ReviewRecord(
        id=1, assessment_id="a", ref_id=p.ref_id, action=ACTIONS[state], level=level,
        proposed_level=p.level, comment="why", reviewer="rita", created_at=NOW)
    return RequirementReview(assessment_id="a", ref_id=p.ref_id, title=p.title, theme=p.theme,
                             proposed_level=p.level, state=state, review=record)


def evidence_for(ref_id: str) -> tuple[str, ...]:
    return (f"evidence for {ref_id}",)


def test_an_override_counts_at_the_reviewed_level_in_its_theme_and_gaps() -> None:
    first, second = with_gaps("A.5.15", 1), with_gaps("A.5.16", 3)
    report = summarise(HEADER, [first, second],
                       [review(first, ReviewState.OVERRIDDEN, 4), review(second,
                                                                        ReviewState.PENDING)],
                       evidence_for, top_level=5)
    theme = report.theme("Organizational controls")
    assert theme is not None
    assert (theme.requirements, theme.reviewed, theme.proposed_mean, theme.effective_mean) == (
        2, 1, 2.0, 3.5)
    assert theme.distribution == {"3": 1, "4": 1}
    standing = report.requirements[0]
    assert (standing.proposed_level, standing.reviewed_level, standing.effective_level) == (1, 4, 4)
    assert [(g.ref_id, g.effective_level, g.proposed_level) for g in report.gaps] == [
        ("A.5.16", 3, 3), ("A.5.15", 4, 1)]
    assert report.review[ReviewState.OVERRIDDEN] == 1 and report.review[ReviewState.PENDING] == 1


def test_not_applicable_and_the_top_of_the_scale_leave_the_gaps_and_the_means() -> None:
    na, top, open_ = with_gaps("A.5.15", 1), with_gaps("A.5.16", 2), with_gaps("A.8.1", 0, False)
    report = summarise(HEADER, [na, top, open_],
                       [review(na, ReviewState.NA), review(top, ReviewState.OVERRIDDEN, 5),
                        review(open_, ReviewState.PENDING)],
                       evidence_for, top_level=5)
    organizational = report.theme("Organizational controls")
    assert organizational is not None
    assert (organizational.proposed_mean, organizational.effective_mean) == (1.5, 5.0)
    [gap] = report.gaps
    assert (gap.ref_id, gap.evidence_found, gap.suggested_evidence) == (
        "A.8.1", False, ("evidence for A.8.1",))
    assert [f.description for f in gap.facets] == [
        "Partly shown: access is reviewed", "Not shown: reviews are improved"]
    assert [f.kind for f in gap.facets] == [FacetKind.IMPLEMENTATION, FacetKind.IMPROVEMENT]


def test_the_report_json_has_the_contract_theme_keys() -> None:
    p = with_gaps("A.5.15", 2)
    data = summarise(HEADER, [p], [review(p, ReviewState.ACCEPTED, 2)], evidence_for,
                     top_level=5).model_dump(mode="json")
    assert {"theme", "requirements", "reviewed", "proposed_mean",
            "effective_mean"} <= set(data["themes"][0])
    assert data["status"] == "completed" and data["counts"] == {"proposed": 1, "flagged": 0}
    assert data["review"]["accepted"] == 1
