"""Human review of proposals: the decisions and the status they give each requirement."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict


class ReviewAction(StrEnum):
    """What a reviewer decided about a proposal."""

    ACCEPT = "accept"
    OVERRIDE = "override"
    NA = "na"


class ReviewState(StrEnum):
    """Where a requirement of an assessment stands in review."""

    PENDING = "pending"
    ACCEPTED = "accepted"
    OVERRIDDEN = "overridden"
    NA = "na"
    CHANGED = "changed_since_review"


STATE_OF_ACTION = {
    ReviewAction.ACCEPT: ReviewState.ACCEPTED,
    ReviewAction.OVERRIDE: ReviewState.OVERRIDDEN,
    ReviewAction.NA: ReviewState.NA,
}


class ReviewRecord(BaseModel):
    """One stored decision: ``level`` is the final level, ``proposed_level`` what was proposed."""

    model_config = ConfigDict(frozen=True)

    id: int
    assessment_id: str
    ref_id: str
    action: ReviewAction
    level: int | None
    proposed_level: int | None
    comment: str
    reviewer: str
    created_at: datetime


class RequirementReview(BaseModel):
    """A requirement of one assessment: its proposal, and the review that applies to it.

    ``review`` is the newest decision of this assessment or of an earlier one of the same
    workspace and framework (reviews carry over). A carried-over review whose proposal has
    since moved to a level the reviewer neither saw nor chose is ``changed_since_review``:
    the review still stands, and the requirement asks to be looked at again.
    """

    model_config = ConfigDict(frozen=True)

    assessment_id: str
    ref_id: str
    title: str
    theme: str
    proposed_level: int | None
    state: ReviewState
    review: ReviewRecord | None = None

    @property
    def carried_over(self) -> bool:
        """Whether the review was made on an earlier assessment."""
        return self.review is not None and self.review.assessment_id != self.assessment_id

    @property
    def level(self) -> int | None:
        """The level that counts: the reviewer's decision if any, else the proposal."""
        return self.review.level if self.review is not None else self.proposed_level
