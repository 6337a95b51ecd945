"""What the gap report and the dashboard summarise: gaps by theme, review progress."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from service.domain.report import DECIDED, GapItem
from service.domain.review import ReviewState
from service.web.review_rows import ReviewRow


@dataclass
class GapGroup:
    """The gaps of one theme, most urgent first."""

    theme: str
    items: list[GapItem] = field(default_factory=list)


def group_gaps(gaps: Iterable[GapItem]) -> list[GapGroup]:
    """Group the report's prioritised gaps by theme, keeping their order.

    Themes come in the order of their most urgent gap, so the first group holds the first
    gap.
    """
    groups: dict[str, GapGroup] = {}
    for gap in gaps:
        groups.setdefault(gap.theme, GapGroup(theme=gap.theme)).items.append(gap)
    return list(groups.values())


def review_progress(rows: Iterable[ReviewRow]) -> dict[str, int]:
    """How many requirements are reviewed, still pending, or changed since their review."""
    states = [row.state for row in rows]
    return {
        "reviewed": sum(state in DECIDED for state in states),
        "pending": states.count(ReviewState.PENDING),
        "changed": states.count(ReviewState.CHANGED),
    }
