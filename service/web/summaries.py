"""What the gap report and the dashboard summarise: gaps by theme, levels by theme, counts."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from service.domain.review import RequirementReview, ReviewState
from service.web.review_rows import ReviewRow

REVIEWED = frozenset({ReviewState.ACCEPTED, ReviewState.OVERRIDDEN, ReviewState.NA})
SUGGESTION = " Suggested evidence:"


@dataclass(frozen=True)
class GapItem:
    """A requirement with gaps: its levels, whether any evidence was found, what to collect.

    ``level`` is the level that counts (the reviewer's, if reviewed), ``proposed`` the
    proposal's.
    """

    ref_id: str
    title: str
    level: int | None
    proposed: int | None
    evidence_found: bool
    gaps: list[str]
    suggested: tuple[str, ...]
    state: ReviewState


@dataclass
class GapGroup:
    """The gaps of one theme, most urgent first."""

    theme: str
    items: list[GapItem] = field(default_factory=list)


def group_gaps(
    gaps: Iterable[dict[str, Any]],
    suggested: Callable[[str], tuple[str, ...]],
    reviews: dict[str, RequirementReview],
) -> list[GapGroup]:
    """Group the prioritised gaps by theme, keeping their order; N/A-reviewed ones drop out.

    Themes come in the order of their most urgent gap, so the first group holds the first
    gap. The suggestion that a gap's text ends with is left out: it is listed beside it.
    """
    groups: dict[str, GapGroup] = {}
    for gap in gaps:
        ref_id = str(gap["ref_id"])
        review = reviews.get(ref_id)
        state = review.state if review else ReviewState.PENDING
        if state == ReviewState.NA:
            continue
        group = groups.setdefault(str(gap["theme"]), GapGroup(theme=str(gap["theme"])))
        group.items.append(GapItem(
            ref_id=ref_id, title=str(gap["title"]),
            level=review.level if review else gap["level"], proposed=gap["level"],
            evidence_found=bool(gap["evidence_found"]),
            gaps=[str(text).split(SUGGESTION, 1)[0] for text in gap["gaps"]],
            suggested=suggested(ref_id), state=state))
    return list(groups.values())


@dataclass(frozen=True)
class ThemeLevel:
    """A theme's mean level: as proposed, and as it counts after review (N/A left out)."""

    theme: str
    requirements: int
    proposed: float | None
    current: float | None
    reviewed: int


def _mean(levels: list[int | None]) -> float | None:
    known = [level for level in levels if level is not None]
    return round(sum(known) / len(known), 2) if known else None


def theme_levels(rows: Iterable[ReviewRow]) -> list[ThemeLevel]:
    """Per theme, in order of first appearance: mean proposed and mean current level."""
    grouped: dict[str, list[ReviewRow]] = {}
    for row in rows:
        grouped.setdefault(row.proposal.theme, []).append(row)
    return [
        ThemeLevel(
            theme=theme, requirements=len(items),
            proposed=_mean([row.proposal.level for row in items]),
            current=_mean([row.final_level for row in items if row.state != ReviewState.NA]),
            reviewed=sum(row.state in REVIEWED for row in items),
        )
        for theme, items in grouped.items()
    ]


def review_progress(rows: Iterable[ReviewRow]) -> dict[str, int]:
    """How many requirements are reviewed, still pending, or changed since their review."""
    states = [row.state for row in rows]
    return {
        "reviewed": sum(state in REVIEWED for state in states),
        "pending": states.count(ReviewState.PENDING),
        "changed": states.count(ReviewState.CHANGED),
    }
