"""Evidence freshness: a record older than the review period shows no practice today.

As of the assessment's date, each record is dated by the latest date it states on or before
that day: its own text's first, else its document's (opening and file name). Dates after
the as-of day are left out (the record, or that entry, did not exist yet). A record whose
date is older than the requirement's review period (``review_months`` in the catalog, else
the setting) is stale: it may still document, but it is no implementation or improvement
evidence. An undated record keeps counting: no date is guessed.

This can only take support away: staleness removes records from what practice facets may
cite, never adds evidence, and depends on each record alone, so removing documents still
never raises a level.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date

from service.domain.catalog import Requirement
from service.domain.evidence import DatedMention, DateSource, Evidence, EvidenceKind

OWN = {DateSource.TEXT}
DOCUMENT = {DateSource.DOCUMENT, DateSource.NAME}


def months_before(day: date, months: int) -> date:
    """The same day ``months`` calendar months earlier (the month's last day if shorter)."""
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def record_date(mentions: tuple[DatedMention, ...], as_of: date) -> DatedMention | None:
    """The latest date on or before ``as_of``: from the chunk's own text, else its document's."""
    for sources in (OWN, DOCUMENT):
        known = [m for m in mentions if m.source in sources and m.value <= as_of]
        if known:
            return max(known, key=lambda m: m.last_day)
    return None


def stale_gap(document: str, latest: DatedMention, months: int, as_of: date) -> str:
    """The gap that names a stale record's date, e.g. '... is from March 2024, older than ...'."""
    return (f"The latest record in {document} is from {latest.shown}, older than the "
            f"{months}-month review period as of {as_of.day} "
            f"{calendar.month_name[as_of.month]} {as_of.year}: it does not count as "
            "implementation evidence. Suggested evidence: a current record.")


@dataclass(frozen=True)
class Freshness:
    """The freshness rule of one assessment: its as-of date and the default review period."""

    as_of: date
    default_months: int

    def months(self, requirement: Requirement) -> int:
        """The requirement's review period: its catalog's, else the default."""
        return requirement.review_months or self.default_months

    def mark(self, requirement: Requirement,
             evidence: list[Evidence]) -> tuple[list[Evidence], list[str]]:
        """The evidence with each record dated and marked stale or not, and the gaps.

        One gap per document whose records among the evidence are all stale.
        """
        months = self.months(requirement)
        cut_off = months_before(self.as_of, months)
        marked = []
        for item in evidence:
            if item.chunk.kind != EvidenceKind.RECORD:
                marked.append(item)
                continue
            dated = record_date(item.chunk.dates, self.as_of)
            stale = dated is not None and dated.last_day < cut_off
            marked.append(item.model_copy(update={"record_date": dated, "stale": stale}))
        return marked, self._gaps(marked, months)

    def _gaps(self, marked: list[Evidence], months: int) -> list[str]:
        latest: dict[str, DatedMention] = {}
        current: set[str] = set()
        for item in marked:
            if item.counts_as_record:
                current.add(item.chunk.document)
            elif item.stale and item.record_date is not None:
                known = latest.get(item.chunk.document)
                if known is None or item.record_date.last_day > known.last_day:
                    latest[item.chunk.document] = item.record_date
        return [stale_gap(document, mention, months, self.as_of)
                for document, mention in latest.items() if document not in current]
