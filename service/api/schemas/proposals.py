"""Proposals with the review that applies to each, and the review actions."""

from __future__ import annotations

from pydantic import BaseModel, Field

from service.api.schemas.common import UtcDatetime
from service.domain.assessment import ProposalStatus
from service.domain.review import ReviewAction, ReviewRecord, ReviewState


class ReviewPublic(ReviewRecord):
    """A stored decision: ``level`` is the final level, ``proposed_level`` what was proposed."""

    created_at: UtcDatetime


class ReviewCreate(BaseModel):
    """A decision: accept; override with a level and a comment; or na with a justification."""

    action: ReviewAction
    level: int | None = Field(default=None, ge=0, le=100)
    comment: str = Field(default="", max_length=4000)


class ProposalPublic(BaseModel):
    """A requirement's proposal and where it stands in review."""

    ref_id: str
    title: str
    theme: str
    proposed_level: int | None
    level: int | None = Field(description="The level that counts: the review's, else proposed.")
    confidence: float
    status: ProposalStatus
    review_state: ReviewState
    carried_over: bool = Field(description="The review was made on an earlier assessment.")
    review: ReviewPublic | None


class ProposalList(BaseModel):
    """The proposals that pass the filters, in the order they were made."""

    proposals: list[ProposalPublic]


class ReviewList(BaseModel):
    """Every decision made on an assessment, oldest first."""

    reviews: list[ReviewPublic]
