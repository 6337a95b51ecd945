"""What the pages compute: marked quotes, table filters and order, gap groups, estimates."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from service.components.jobs import JobState, JobStatus
from service.domain.assessment import AssessmentStatus, Proposal, ProposalStatus
from service.domain.report import AssessmentHeader
from service.domain.review import RequirementReview, ReviewAction, ReviewRecord, ReviewState
from service.errors import InvalidInputError
from service.pipeline.report import summarise
from service.web.highlight import highlight
from service.web.progress import duration_words, estimate
from service.web.render import size_text
from service.web.review_rows import ReviewRow, TableQuery, build_rows, select_rows
from service.web.routes.assessments import parse_refs
from service.web.routes.review import parse_level
from service.web.summaries import group_gaps, review_progress
from tests.assessments import proposal

START = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def test_quotes_are_marked_in_their_passage_whatever_the_spacing_or_case() -> None:
    text = "Intro.  Access rights are\nreviewed quarterly. Other text. Logs are kept."
    segments = highlight(text, ["access rights are reviewed quarterly.", "Logs are kept", "absent"])
    assert "".join(s.text for s in segments) == text
    assert [s.text for s in segments if s.marked] == [
        "Access rights are\nreviewed quarterly.", "Logs are kept"]
    assert highlight("plain", []) == highlight("plain", ["   "])
    assert [s.marked for s in highlight("abcabc", ["abc", "cab"])] == [True]


def _review(p: Proposal, state: ReviewState, level: int | None = None) -> RequirementReview:
    record = None if state == ReviewState.PENDING else ReviewRecord(
        id=1, assessment_id="a", ref_id=p.ref_id, action=ReviewAction.OVERRIDE, level=level,
        proposed_level=p.level, comment="why", reviewer="rita", created_at=START)
    return RequirementReview(assessment_id="a", ref_id=p.ref_id, title=p.title, theme=p.theme,
                             proposed_level=p.level, state=state, review=record)


@pytest.fixture
def rows() -> list[ReviewRow]:
    first, second = proposal("A.5.15", 3), proposal("A.5.16", 1)
    third = proposal("A.8.1", 0).model_copy(update={"status": ProposalStatus.FLAGGED})
    reviews = [_review(first, ReviewState.OVERRIDDEN, 2), _review(second, ReviewState.PENDING),
               _review(third, ReviewState.PENDING)]
    return build_rows([first, second, third], reviews)


def refs(selected: list[ReviewRow]) -> list[str]:
    return [row.ref_id for row in selected]


def test_the_table_filters_by_theme_status_and_level(rows: list[ReviewRow]) -> None:
    def pick(**values: str) -> list[str]:
        query = TableQuery.parse(values.get("theme", ""), values.get("status", ""),
                                 values.get("level", ""), "ref")
        return refs(select_rows(rows, query))

    assert pick() == ["A.5.15", "A.5.16", "A.8.1"]
    assert pick(theme="Technological controls") == ["A.8.1"]
    assert pick(status="pending") == ["A.5.16", "A.8.1"]
    assert pick(status="flagged") == ["A.8.1"]
    assert pick(status="overridden", level="3") == ["A.5.15"]
    assert pick(level="2") == []
    assert pick(status="no-such-status") == pick()


def test_the_table_sorts_and_a_header_flips_the_order(rows: list[ReviewRow]) -> None:
    by_level = TableQuery.parse("", "", "", "level")
    assert refs(select_rows(rows, by_level)) == ["A.8.1", "A.5.16", "A.5.15"]
    assert by_level.toggled("level") == "-level" and by_level.toggled("title") == "title"
    assert refs(select_rows(rows, TableQuery.parse("", "", "", "-level"))) == [
        "A.5.15", "A.5.16", "A.8.1"]
    assert TableQuery.parse("", "", "", "-drop table").sort == "ref"


def test_gaps_group_by_theme_in_priority_order(rows: list[ReviewRow]) -> None:
    header = AssessmentHeader(assessment_id="a", framework="iso27001-2022", workspace="qa",
                              scale="maturity-0-5", status=AssessmentStatus.COMPLETED,
                              created_at=START)
    proposals = [row.proposal.model_copy(update={"gaps": ("Not shown: x",)}) for row in rows]
    report = summarise(header, proposals, [row.review for row in rows], lambda ref: (), 5)
    groups = group_gaps(report.gaps)
    assert [(g.theme, [i.ref_id for i in g.items]) for g in groups] == [
        ("Technological controls", ["A.8.1"]), ("Organizational controls", ["A.5.16", "A.5.15"])]
    assert review_progress(rows) == {"reviewed": 1, "pending": 2, "changed": 0}


def _status(percent: float, started: datetime | None, state: JobState) -> JobStatus:
    return JobStatus(id="j", name="assessment", scope="qa", state=state, percent=percent,
                     current="A.5.15", cancel_requested=False, result=None, error=None,
                     created_at=START, started_at=started, finished_at=None)


def test_the_estimate_follows_the_pace_so_far() -> None:
    now = START + timedelta(minutes=2)
    assert estimate(_status(25.0, START, JobState.RUNNING), now) == "about 6 minutes left"
    assert estimate(_status(0.0, START, JobState.RUNNING), now) == ""
    assert estimate(_status(50.0, None, JobState.QUEUED), now) == ""
    assert estimate(_status(100.0, START, JobState.DONE), now) == ""
    assert duration_words(20) == "under a minute"
    assert duration_words(2 * 3600 + 600) == "about 2 hours 10 minutes"


def test_sizes_read_naturally() -> None:
    assert [size_text(n) for n in (512, 34_000, 5_500_000)] == ["512 B", "33 KB", "5.2 MB"]


def test_form_values_are_read_strictly() -> None:
    assert parse_refs("A.5.15, A.8.13\nGV.OC-01,,") == ("A.5.15", "A.8.13", "GV.OC-01")
    assert parse_level(" 3 ") == 3 and parse_level("") is None
    with pytest.raises(InvalidInputError, match="not a level"):
        parse_level("three")
