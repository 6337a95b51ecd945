"""The review table's rows: each proposal with its review state, filtered and sorted."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from service.domain.assessment import Proposal, ProposalStatus
from service.domain.review import RequirementReview, ReviewState

FLAGGED = "flagged"
STATUS_FILTERS = (*(state.value for state in ReviewState), FLAGGED)
SORT_KEYS = ("ref", "title", "theme", "level", "confidence", "status")


@dataclass(frozen=True)
class ReviewRow:
    """One requirement of an assessment as the table shows it."""

    position: int
    proposal: Proposal
    review: RequirementReview

    @property
    def ref_id(self) -> str:
        """The requirement's reference."""
        return self.proposal.ref_id

    @property
    def flagged(self) -> bool:
        """Whether a check failed when the proposal was made."""
        return self.proposal.status == ProposalStatus.FLAGGED

    @property
    def state(self) -> ReviewState:
        """Where the requirement stands in review."""
        return self.review.state

    @property
    def final_level(self) -> int | None:
        """The level that counts: the reviewer's, else the proposal's."""
        return self.review.level

    def matches_status(self, status: str) -> bool:
        """Whether the row has this review state (or is flagged, for ``flagged``)."""
        return self.flagged if status == FLAGGED else self.state.value == status


def build_rows(proposals: Iterable[Proposal], reviews: Iterable[RequirementReview]
               ) -> list[ReviewRow]:
    """Join proposals with their review states, keeping the order the proposals were made."""
    by_ref = {review.ref_id: review for review in reviews}
    return [ReviewRow(position=n, proposal=p, review=by_ref[p.ref_id])
            for n, p in enumerate(proposals) if p.ref_id in by_ref]


def level_key(level: int | None) -> str:
    """The filter value of a level: its number, or ``na``."""
    return "na" if level is None else str(level)


@dataclass(frozen=True)
class TableQuery:
    """The table's filters and sort order, as the query string gives them."""

    theme: str = ""
    status: str = ""
    level: str = ""
    sort: str = "ref"
    descending: bool = False

    @classmethod
    def parse(cls, theme: str, status: str, level: str, sort: str) -> TableQuery:
        """Read the query values; an unknown sort or status is ignored, not an error."""
        descending = sort.startswith("-")
        key = sort.lstrip("-")
        return cls(
            theme=theme,
            status=status if status in STATUS_FILTERS else "",
            level=level,
            sort=key if key in SORT_KEYS else "ref",
            descending=descending and key in SORT_KEYS,
        )

    def toggled(self, key: str) -> str:
        """The sort value for a column header: the same column flips the direction."""
        return f"-{key}" if key == self.sort and not self.descending else key


def _sort_value(row: ReviewRow, key: str) -> tuple[object, ...]:
    level = row.proposal.level
    values: dict[str, tuple[object, ...]] = {
        "ref": (row.position,),
        "title": (row.proposal.title.casefold(),),
        "theme": (row.proposal.theme.casefold(), row.position),
        "level": (level is None, level if level is not None else 0, row.position),
        "confidence": (row.proposal.confidence, row.position),
        "status": (row.state.value, not row.flagged, row.position),
    }
    return values[key]


def select_rows(rows: list[ReviewRow], query: TableQuery) -> list[ReviewRow]:
    """The rows that pass the filters, in the chosen order."""
    chosen = [
        row for row in rows
        if (not query.theme or row.proposal.theme == query.theme)
        and (not query.status or row.matches_status(query.status))
        and (not query.level or level_key(row.proposal.level) == query.level)
    ]
    return sorted(chosen, key=lambda row: _sort_value(row, query.sort), reverse=query.descending)
