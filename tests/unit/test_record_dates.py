"""Dates read from evidence at ingest: the written forms records use, nothing guessed."""

from __future__ import annotations

from datetime import date

import pytest

from service.domain.evidence import DatedMention, DatePrecision, DateSource
from service.pipeline.record_dates import chunk_dates, find_dates, name_dates, table_header

DAY, MONTH = DatePrecision.DAY, DatePrecision.MONTH


def read(text: str) -> list[tuple[date, DatePrecision, str]]:
    return [(m.value, m.precision, m.text) for m in find_dates(text, DateSource.TEXT)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Exported 2024-03-12T10:00:00Z", [(date(2024, 3, 12), DAY, "2024-03-12")]),
        ("Restore tested 2024/3/7.", [(date(2024, 3, 7), DAY, "2024/3/7")]),
        ("Meeting held on 12 March 2024.", [(date(2024, 3, 12), DAY, "12 March 2024")]),
        ("signed 1st of April 2023", [(date(2023, 4, 1), DAY, "1st of April 2023")]),
        ("Date: 12-Mar-2024", [(date(2024, 3, 12), DAY, "12-Mar-2024")]),
        ("On March 12, 2024 the", [(date(2024, 3, 12), DAY, "March 12, 2024")]),
        ("Review of Sept 2022 accounts", [(date(2022, 9, 1), MONTH, "Sept 2022")]),
        ("Access review, March 2024", [(date(2024, 3, 1), MONTH, "March 2024")]),
        ("Closed 13/04/2024", [(date(2024, 4, 13), DAY, "13/04/2024")]),
        ("Closed 04/13/2024", [(date(2024, 4, 13), DAY, "04/13/2024")]),
        ("Closed 05/05/2024", [(date(2024, 5, 5), DAY, "05/05/2024")]),
    ],
)
def test_written_forms(text: str, expected: list[tuple[date, DatePrecision, str]]) -> None:
    assert read(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Closed 03/04/2024",  # 3 April or March 4: not guessed
        "Closed 31/02/2024",  # no such day
        "Logged 12/03/24",  # two-digit year
        "The 2024 programme, Q1 2024",  # a year or a quarter is no date
        "ISO/IEC 27001:2022 version 1.2.2024",
        "we may 2024 see",  # a month alone before a year must be capitalised
        "Dated 1875-01-01",  # out of range
    ],
)
def test_ambiguous_or_partial_forms_are_not_read(text: str) -> None:
    assert read(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "Next review: 12 March 2025",
        "The Q4 access review is scheduled for 14 January 2027",
        "Certificate valid until June 2027",
        "due_date: 2025-04-01",
        "Action due by 30 April 2025",
        "Planned for March 2027",
        "The next review is scheduled for 14 January 2027, covering accounts as at "
        "31 December 2026.",
    ],
)
def test_dates_announced_as_ahead_are_skipped(text: str) -> None:
    assert read(text) == []


def test_due_columns_of_tables_are_skipped() -> None:
    actions = ("Action | Description | Owner | Due | Ticket\n"
               "A1 | Add the cloud steps | Owen Price | 30 October 2026 | ITSM-5122\n"
               "A2 | Closed on 2 October 2026 | Sam Oduya | 16 October 2026 | ITSM-5123")
    assert read(actions) == [(date(2026, 10, 2), DAY, "2 October 2026")]
    markdown = "| Item | Done | Next review |\n|---|---|---|\n| Keys | 2026-03-01 | 2027-03-01 |"
    assert [d for d, _, _ in read(markdown)] == [date(2026, 3, 1)]
    continued = "A6 | Mover check | Sam Oduya | 30 October 2026 | ITSM-5126"
    assert read(continued) == [(date(2026, 10, 30), DAY, "30 October 2026")]
    header = table_header(actions)
    assert header is not None and header.startswith("Action | ")
    assert list(find_dates(continued, DateSource.TEXT, header)) == []
    assert table_header("Minutes\nNo table here.") is None
    fields = "Meeting date | 08 October 2026\nNext review | 14 January 2027"
    assert [d for d, _, _ in read(fields)] == [date(2026, 10, 8)]


def test_a_past_date_after_a_due_date_is_kept() -> None:
    row = "opened: 2024-03-01; due_date: 2024-04-01; closed: 2024-03-30"
    assert [d for d, _, _ in read(row)] == [date(2024, 3, 1), date(2024, 3, 30)]
    approved = "Minutes approved by P. Natarajan on 12 October 2026"
    assert read(approved) == [(date(2026, 10, 12), DAY, "12 October 2026")]


def test_file_names_and_document_dates_keep_their_source() -> None:
    [named] = name_dates("records/cab_minutes_2024_03_12.md")
    assert (named.value, named.source) == (date(2024, 3, 12), DateSource.NAME)
    assert name_dates("access_review_minutes_2026_q3.docx") == ()
    opening = DatedMention(value=date(2024, 3, 1), precision=MONTH, text="March 2024",
                           source=DateSource.DOCUMENT)
    found = chunk_dates("Minutes", "Reviewed 2 April 2024 and again on 2 April 2024.",
                        (opening,))
    assert [(m.value, m.source) for m in found] == [
        (date(2024, 4, 2), DateSource.TEXT), (date(2024, 3, 1), DateSource.DOCUMENT)]


def test_shown_and_last_day() -> None:
    month = DatedMention(value=date(2024, 2, 1), precision=MONTH, text="Feb 2024",
                         source=DateSource.TEXT)
    assert (month.shown, month.last_day) == ("February 2024", date(2024, 2, 29))
    day = month.model_copy(update={"value": date(2024, 2, 5), "precision": DAY})
    assert (day.shown, day.last_day) == ("5 February 2024", date(2024, 2, 5))
