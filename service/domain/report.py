"""The report of an assessment: maturity per theme, each requirement's standing, the gaps.

Every figure counts the level that stands: the reviewer's where one decided (accepted,
overridden, not applicable, or a review carried over from an earlier run) and the proposed
level elsewhere. Requirements without a level (not applicable) stay out of the means and
out of the gaps.
"""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict

from service.domain.assessment import AssessmentStatus, FacetStatus, ProposalStatus
from service.domain.catalog import FacetKind
from service.domain.projection import Projection
from service.domain.review import ReviewState

DECIDED = frozenset({ReviewState.ACCEPTED, ReviewState.OVERRIDDEN, ReviewState.NA})


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True)


class AssessmentHeader(_Frozen):
    """What was assessed, where, on which scale, when, and how far the run got.

    ``scope`` is the assessor's optional statement of what the assessment covers.
    ``projected_from`` and ``source_framework`` name the assessment (and its framework) a
    projection carried its levels from; both are None for a direct assessment.
    """

    assessment_id: str
    framework: str
    workspace: str
    scale: str
    status: AssessmentStatus
    created_at: datetime
    scope: str | None = None
    projected_from: str | None = None
    source_framework: str | None = None
    as_of: date | None = None
    """The day records were judged fresh against (see the freshness rule)."""


class RequirementStanding(_Frozen):
    """One requirement: the proposed level, the reviewer's, and the one that counts.

    ``reviewed_level`` is None both when no reviewer decided and when one marked it not
    applicable; ``review_state`` tells the two apart. ``effective_level`` is the level that
    counts: the reviewer's where there is a review, else the proposed one. ``projection``
    is the provenance and evidence check of a level carried from another framework.
    """

    ref_id: str
    title: str
    theme: str
    status: ProposalStatus
    review_state: ReviewState
    proposed_level: int | None
    reviewed_level: int | None
    effective_level: int | None
    projection: Projection | None = None

    @property
    def reviewed(self) -> bool:
        """Whether a reviewer decided on this requirement in this run's review."""
        return self.review_state in DECIDED


class ThemeSummary(_Frozen):
    """A theme's means: as proposed, and as they stand after review (N/A left out)."""

    theme: str
    requirements: int
    reviewed: int
    proposed_mean: float | None
    effective_mean: float | None
    distribution: dict[str, int]


class FacetGap(_Frozen):
    """A facet the evidence did not show, or showed only in part."""

    facet_id: str
    text: str
    kind: FacetKind
    status: FacetStatus

    @property
    def description(self) -> str:
        """The gap in plain words, e.g. ``Partly shown: access reviews are logged``."""
        shown = "Partly shown" if self.status == FacetStatus.PARTIAL else "Not shown"
        return f"{shown}: {self.text}"


class GapItem(_Frozen):
    """A requirement with gaps: its levels, whether evidence was found, what to collect."""

    ref_id: str
    title: str
    theme: str
    review_state: ReviewState
    proposed_level: int | None
    effective_level: int | None
    evidence_found: bool
    facets: tuple[FacetGap, ...]
    suggested_evidence: tuple[str, ...]


class ScreenedPassage(_Frozen):
    """A passage addressed to a model, never cited: for the reviewer to look at."""

    chunk_id: str
    document: str
    text: str


class Report(AssessmentHeader):
    """The whole report, built once and shown by the API, the CLI, the pages and exports.

    ``counts`` holds the proposals by their own status, ``review`` the requirements by
    review state (every state listed). ``gaps`` are prioritised: no evidence first, then
    the lowest level that counts; a requirement reviewed as not applicable, or whose level
    that counts is the top of the scale, has none.
    """

    themes: tuple[ThemeSummary, ...]
    requirements: tuple[RequirementStanding, ...]
    counts: dict[ProposalStatus, int]
    review: dict[ReviewState, int]
    gaps: tuple[GapItem, ...]
    screened: tuple[ScreenedPassage, ...]

    def theme(self, name: str) -> ThemeSummary | None:
        """The summary of one theme, if the assessment has it."""
        return next((t for t in self.themes if t.theme == name), None)
