"""Two dated assessments of the same framework, side by side."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict

from service.domain.assessment import AssessmentStatus
from service.domain.review import ReviewState


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True)


class AssessmentSide(_Frozen):
    """One of the two assessments compared."""

    assessment_id: str
    workspace: str
    created_at: datetime
    status: AssessmentStatus


class RequirementDelta(_Frozen):
    """A requirement in each assessment, and the change of the level that counts.

    The level that counts is the review's when there is one, else the proposal's.
    """

    ref_id: str
    title: str
    theme: str
    a_level: int | None
    b_level: int | None
    delta: int | None
    a_proposed: int | None
    b_proposed: int | None
    a_state: ReviewState | None
    b_state: ReviewState | None


class ThemeDelta(_Frozen):
    """A theme's mean level in each assessment (not-applicable levels left out)."""

    theme: str
    a_mean: float | None
    b_mean: float | None
    delta: float | None
    a_requirements: int
    b_requirements: int


class AssessmentComparison(_Frozen):
    """Levels per requirement and per theme, from assessment ``a`` to assessment ``b``."""

    framework: str
    scale: str
    a: AssessmentSide
    b: AssessmentSide
    requirements: tuple[RequirementDelta, ...]
    themes: tuple[ThemeDelta, ...]
