"""The freshness rule: which date a record speaks for, when it is stale, what the gap says."""

from __future__ import annotations

from datetime import date

from service.domain.catalog import Requirement
from service.domain.evidence import (
    Chunk,
    DatedMention,
    DatePrecision,
    DateSource,
    Evidence,
    EvidenceKind,
)
from service.pipeline.record_dates import chunk_dates, name_dates
from service.pipeline.score.freshness import Freshness, months_before, record_date

AS_OF = date(2026, 12, 1)
REQUIREMENT = Requirement.model_validate({
    "ref_id": "A.5.18", "title": "Access rights", "theme": "Organizational controls",
    "assessable": True, "summary": "Access rights are reviewed.",
    "typical_evidence": ["Access review minutes"],
    "facets": [{"id": f"A.5.18-f{n}", "kind": "implementation",
                "text": "Access review records show rights were reviewed."} for n in (1, 2, 3)],
})


def mention(day: date, source: DateSource = DateSource.TEXT,
            precision: DatePrecision = DatePrecision.DAY) -> DatedMention:
    return DatedMention(value=day, precision=precision, text=day.isoformat(), source=source)


def record(document: str, text: str, kind: EvidenceKind = EvidenceKind.RECORD,
           opening: tuple[DatedMention, ...] = ()) -> Evidence:
    chunk = Chunk(chunk_id=f"{document}:{text[:8]}", workspace="w", document_id=document,
                  document=document, index=0, text=text, kind=kind,
                  dates=chunk_dates("", text, (*opening, *name_dates(document))))
    return Evidence(chunk=chunk, score=0.8)


def test_months_before_keeps_the_day_or_the_month_end() -> None:
    assert months_before(date(2026, 12, 1), 12) == date(2025, 12, 1)
    assert months_before(date(2026, 3, 31), 1) == date(2026, 2, 28)
    assert months_before(date(2026, 1, 15), 3) == date(2025, 10, 15)


def test_the_latest_own_date_on_or_before_the_day_wins() -> None:
    dates = (mention(date(2024, 3, 12)), mention(date(2026, 10, 1)),
             mention(date(2027, 1, 1)), mention(date(2026, 11, 1), DateSource.DOCUMENT))
    chosen = record_date(dates, AS_OF)
    assert chosen is not None and chosen.value == date(2026, 10, 1)
    # on an earlier day, the later dates did not exist yet
    earlier = record_date(dates, date(2025, 1, 1))
    assert earlier is not None and earlier.value == date(2024, 3, 12)
    # no own date by then: the document's
    document_only = (mention(date(2026, 6, 1)), mention(date(2024, 5, 1), DateSource.NAME))
    fallback = record_date(document_only, date(2025, 1, 1))
    assert fallback is not None and fallback.source is DateSource.NAME
    assert record_date(dates, date(2020, 1, 1)) is None


def test_a_month_counts_to_its_last_day() -> None:
    month = mention(date(2025, 12, 1), precision=DatePrecision.MONTH)
    fresh = Freshness(date(2026, 12, 31), 12)
    [marked], gaps = fresh.mark(REQUIREMENT, [record("r.md", "x").model_copy(
        update={"chunk": record("r.md", "x").chunk.model_copy(update={"dates": (month,)})})])
    assert not marked.stale and gaps == []


def test_stale_records_are_marked_and_the_gap_names_the_date() -> None:
    evidence = [
        record("access_review_2024.md", "Access review held on 12 March 2024."),
        record("policy.md", "Rights are reviewed every year since 2019-01-01.",
               EvidenceKind.POLICY),
        record("undated_log.md", "Rights were reviewed."),
    ]
    marked, gaps = Freshness(AS_OF, 12).mark(REQUIREMENT, evidence)
    stale, policy, undated = marked
    assert stale.stale and not stale.counts_as_record
    assert stale.record_date is not None and stale.record_date.shown == "12 March 2024"
    assert not policy.stale and policy.record_date is None  # policies are not dated records
    assert undated.counts_as_record and undated.record_date is None  # nothing guessed
    assert gaps == [
        "The latest record in access_review_2024.md is from 12 March 2024, older than the "
        "12-month review period as of 1 December 2026: it does not count as implementation "
        "evidence. Suggested evidence: a current record."]


def test_the_review_period_comes_from_the_catalog_else_the_default() -> None:
    evidence = [record("minutes.md", "Access review held in March 2026.")]
    [fresh], _ = Freshness(AS_OF, 12).mark(REQUIREMENT, evidence)
    assert not fresh.stale
    quarterly = REQUIREMENT.model_copy(update={"review_months": 6})
    [stale], gaps = Freshness(AS_OF, 12).mark(quarterly, evidence)
    assert stale.stale and "from March 2026, older than the 6-month review period" in gaps[0]


def test_a_document_with_a_current_record_gets_no_gap() -> None:
    log = "access_log.md"
    evidence = [record(log, "Reviewed on 2023-05-01."), record(log, "Reviewed on 2026-11-02.")]
    marked, gaps = Freshness(AS_OF, 12).mark(REQUIREMENT, evidence)
    assert [e.stale for e in marked] == [True, False]
    assert gaps == []


def test_a_dated_document_dates_its_undated_chunks() -> None:
    opening = (mention(date(2024, 3, 12), DateSource.DOCUMENT),)
    later_page = record("minutes.md", "Seven leaver accounts were disabled.", opening=opening)
    [marked], gaps = Freshness(AS_OF, 12).mark(REQUIREMENT, [later_page])
    assert marked.stale and "minutes.md is from 12 March 2024" in gaps[0]
    by_name = record("cab_minutes_2024-03-12.md", "Three changes were approved.")
    [named], _ = Freshness(AS_OF, 12).mark(REQUIREMENT, [by_name])
    assert named.stale and named.record_date is not None
    assert named.record_date.source is DateSource.NAME
