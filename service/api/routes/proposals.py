"""Proposals with their review state (filtered), the review actions and the review history."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from service.api.deps import (
    ContextDep,
    CurrentUser,
    ReviewerSlug,
    ServicesDep,
    ViewerSlug,
)
from service.api.errors import error_responses
from service.api.schemas.proposals import (
    ProposalList,
    ProposalPublic,
    ReviewCreate,
    ReviewList,
    ReviewPublic,
)
from service.domain.assessment import ProposalStatus
from service.domain.review import ReviewRecord, ReviewState
from service.pipeline.report import load_assessment
from service.pipeline.review import (
    ReviewDecision,
    effective_status,
    review_history,
    review_proposal,
)


def _review(record: ReviewRecord) -> ReviewPublic:
    return ReviewPublic.model_validate(record.model_dump())


router = APIRouter(prefix="/workspaces/{slug}/assessments/{assessment_id}",
                   tags=["proposals"])
ERRORS = error_responses(401, 404, 422)


@router.get("/proposals", responses=ERRORS)
def list_proposals(
    slug: ViewerSlug, assessment_id: str, context: ContextDep,
    theme: Annotated[str | None, Query(max_length=300)] = None,
    level: Annotated[int | None, Query(ge=0, le=100)] = None,
    status: Annotated[ProposalStatus | None, Query(
        description="The proposal's own status.")] = None,
    review_state: Annotated[ReviewState | None, Query()] = None,
    changed_since_review: Annotated[bool | None, Query(
        description="Only (or, false, no) proposals that moved since their review.")] = None,
) -> ProposalList:
    """The proposals with the review that applies to each; filters combine with AND."""
    with context.sessions() as session:
        states = effective_status(session, assessment_id, slug)
    _header, proposals = load_assessment(context, assessment_id, slug)
    by_ref = {p.ref_id: p for p in proposals}
    listed = []
    for state in states:
        proposal = by_ref[state.ref_id]
        changed = state.state == ReviewState.CHANGED
        if ((theme is not None and state.theme != theme)
                or (level is not None and state.proposed_level != level)
                or (status is not None and proposal.status != status)
                or (review_state is not None and state.state != review_state)
                or (changed_since_review is not None and changed != changed_since_review)):
            continue
        listed.append(ProposalPublic(
            ref_id=state.ref_id, title=state.title, theme=state.theme,
            proposed_level=state.proposed_level, level=state.level,
            confidence=proposal.confidence, status=proposal.status, review_state=state.state,
            carried_over=state.carried_over,
            review=None if state.review is None else _review(state.review),
        ))
    return ProposalList(proposals=listed)


@router.post("/proposals/{ref}/review", status_code=201,
             responses=error_responses(401, 403, 404, 409, 422))
def review(
    slug: ReviewerSlug, assessment_id: str, ref: str, body: ReviewCreate,
    context: ContextDep, services: ServicesDep, user: CurrentUser,
) -> ReviewPublic:
    """Accept the proposal, override it (level and comment) or mark it na (comment)."""
    with context.sessions() as session:
        decision = ReviewDecision(assessment_id, ref, body.action, body.level, body.comment)
        return _review(review_proposal(session, services.registry, decision, actor=user.name,
                                       workspace=slug))


@router.get("/reviews", responses=ERRORS)
def list_reviews(slug: ViewerSlug, assessment_id: str, context: ContextDep) -> ReviewList:
    """Every decision made on this assessment, oldest first (superseded ones included)."""
    with context.sessions() as session:
        history = review_history(session, assessment_id, slug)
    return ReviewList(reviews=[_review(r) for r in history])
