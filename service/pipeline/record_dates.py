"""Read the dates that evidence carries, at ingest: what a record's freshness is judged by.

A small parser of the written forms records use, rather than a general date library:
``dateparser.search`` reads dates into ordinary words and settles ambiguous numeric forms
by a configured order, where a record's date must never be guessed. Read here:

- ISO ``2024-03-12`` (a time may follow) and ``2024/03/12``;
- ``12 March 2024``, ``12 Mar 2024``, ``12-Mar-2024``, ``1st March 2024``;
- ``March 12, 2024`` and ``Mar 12 2024``;
- ``March 2024`` (month precision; the month capitalised);
- ``13/03/2024`` or ``03/13/2024`` only when the day is unmistakable (over 12), or both
  numbers are equal.

Not read: ``03/04/2024`` (day-month or month-day?), two-digit years, bare years,
quarters. Dates announced as ahead ("next review 1 March 2025", "due 2025-03-01",
"valid until ...", a table's "Due" column) say when something should happen, not when it
did, and are skipped.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date

from service.domain.evidence import DatedMention, DatePrecision, DateSource

MONTHS = {
    name: number
    for number, names in enumerate(
        (("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"),
         ("may",), ("june", "jun"), ("july", "jul"), ("august", "aug"),
         ("september", "sep", "sept"), ("october", "oct"), ("november", "nov"),
         ("december", "dec")),
        start=1,
    )
    for name in names
}
MONTH = r"(?:" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")"
ORDINAL = r"(?:st|nd|rd|th)?"
FIRST_YEAR, LAST_YEAR = 1990, 2100

DATE = re.compile(
    rf"(?<![\d/.])(?P<iy>\d{{4}})-(?P<im>\d{{2}})-(?P<id>\d{{2}})(?![\d])"
    rf"|(?<![\d/.])(?P<sy>\d{{4}})/(?P<sm>\d{{1,2}})/(?P<sd>\d{{1,2}})(?![\d/])"
    rf"|\b(?P<dd>\d{{1,2}}){ORDINAL}(?:\s+|-)(?:of\s+)?(?P<dm>{MONTH})\.?,?(?:\s+|-)"
    rf"(?P<dy>\d{{4}})\b"
    rf"|\b(?P<mm>{MONTH})\.?\s+(?P<md>\d{{1,2}}){ORDINAL},?\s+(?P<my>\d{{4}})\b"
    rf"|\b(?P<om>{MONTH})\.?,?\s+(?P<oy>\d{{4}})\b"
    rf"|(?<![\d/.])(?P<na>\d{{1,2}})[/.](?P<nb>\d{{1,2}})[/.](?P<ny>\d{{4}})(?![\d/])",
    re.IGNORECASE,
)
CUE = (r"(?<![a-z])(?:next|due|planned|scheduled|until|expires?|expiry|expiring|deadline|"
       r"target|valid[\s_]+to)(?![a-z])")
AHEAD_COLUMN = re.compile(CUE, re.IGNORECASE)
# a cue word (also inside column names: "next_review_date") earlier in the same sentence or
# cell, or in the cell before ("Next review | 14 January 2027"): "scheduled for 14 January
# 2027, covering accounts as at 31 December 2026" is ahead too
AHEAD = re.compile(CUE + r"[^.;|\t\n]{0,60}(?:\|\s*)?$", re.IGNORECASE)
LOOK_BACK = 80


def _day(year: int, month: int, day: int) -> date | None:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _numeric(first: int, second: int, year: int) -> date | None:
    """``first/second/year`` when only one reading is a date, or both readings agree."""
    readings = {d for d in (_day(year, second, first), _day(year, first, second)) if d}
    return readings.pop() if len(readings) == 1 else None


def _read(match: re.Match[str]) -> tuple[date, DatePrecision] | None:
    """The date and its precision that one match of DATE stands for, if it is one."""
    g = match.group
    day = DatePrecision.DAY
    found: date | None
    if g("iy"):
        found = _day(int(g("iy")), int(g("im")), int(g("id")))
    elif g("sy"):
        found = _day(int(g("sy")), int(g("sm")), int(g("sd")))
    elif g("dd"):
        found = _day(int(g("dy")), MONTHS[g("dm").lower()], int(g("dd")))
    elif g("mm"):
        found = _day(int(g("my")), MONTHS[g("mm").lower()], int(g("md")))
    elif g("om"):
        # "we may 2024" is no date: a month alone before a year must be capitalised
        if g("om")[0].islower():
            return None
        found, day = _day(int(g("oy")), MONTHS[g("om").lower()], 1), DatePrecision.MONTH
    else:
        found = _numeric(int(g("na")), int(g("nb")), int(g("ny")))
    return (found, day) if found else None


def mask_ahead_columns(text: str) -> str:
    """The text with the cells of ahead columns ("Due", "Next review") of its tables blanked.

    Tables are lines of cells split by '|' (as the DOCX and Markdown parsers give them);
    the first line of each run of such lines is its header.
    """
    lines, header = [], None
    for line in text.split("\n"):
        if "|" not in line:
            lines.append(line)
            header = None
            continue
        cells = line.strip().strip("|").split("|")
        if header is None:
            header = [bool(AHEAD_COLUMN.search(cell)) for cell in cells]
        elif len(cells) == len(header) and any(header):
            line = "|".join(" " * len(cell) if ahead else cell
                            for cell, ahead in zip(cells, header, strict=True))
        lines.append(line)
    return "\n".join(lines)


def table_header(text: str) -> str | None:
    """The header line of the table the text ends in, if it ends in one."""
    lines = text.rstrip("\n").split("\n")
    if "|" not in lines[-1]:
        return None
    start = len(lines) - 1
    while start > 0 and "|" in lines[start - 1]:
        start -= 1
    return lines[start]


def find_dates(text: str, source: DateSource, header: str | None = None) -> Iterator[DatedMention]:
    """Every unambiguous date the text states as past or present, in the order written.

    ``header``: the header line of a table that the text continues (from the chunk before).
    """
    skip = 0
    if header is not None and "|" in text.lstrip("\n").split("\n", 1)[0]:
        text, skip = f"{header}\n{text.lstrip(chr(10))}", len(header) + 1
    text = mask_ahead_columns(text)
    for match in DATE.finditer(text, skip):
        read = _read(match)
        if read is None or AHEAD.search(text[max(0, match.start() - LOOK_BACK):match.start()]):
            continue
        yield DatedMention(value=read[0], precision=read[1], text=match.group(0), source=source)


def unique(mentions: Iterator[DatedMention] | list[DatedMention]) -> tuple[DatedMention, ...]:
    """The mentions without repeats of the same date and precision, the first wording kept."""
    seen: dict[tuple[date, DatePrecision], DatedMention] = {}
    for mention in mentions:
        seen.setdefault((mention.value, mention.precision), mention)
    return tuple(seen.values())


def name_dates(name: str) -> tuple[DatedMention, ...]:
    """Dates in a file name, e.g. ``cab_minutes_2024-03-12.md`` (underscores read as '-')."""
    stem = name.rsplit("/", 1)[-1].rsplit(".", 1)[0].replace("_", "-")
    return unique(find_dates(stem, DateSource.NAME))


def chunk_dates(
    heading: str, text: str, document_dates: tuple[DatedMention, ...],
    header: str | None = None,
) -> tuple[DatedMention, ...]:
    """A chunk's own dates (its heading path's and text's), then its document's.

    ``header``: the header line of a table the chunk before ended in, which this one may go on.
    """
    own = [*find_dates(heading, DateSource.TEXT), *find_dates(text, DateSource.TEXT, header)]
    return unique([*own, *document_dates])
