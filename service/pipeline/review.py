"""Human review: accept, override or mark not applicable; reviews carry over to later runs.

A decision is stored as a new review row (earlier ones stay, as history) and appended to the
audit log in the same transaction. For any assessment, the review that applies to a
requirement is the newest one made on that assessment or on an earlier assessment of the
same workspace and framework. A carried-over review whose requirement is now proposed at a
level that is neither the one the reviewer saw nor the one they chose is shown as
``changed_since_review``; the review itself still stands until someone reviews again.
"""

from __future__ import annotations

from dataclasses import dataclass

from service.components.catalog import CatalogRegistry
from service.db import AssessmentRow, ReviewRow, Session
from service.db.assessments import get_assessment, proposals_of, workspace_slug_of
from service.db.reviews import applicable_reviews, find_proposal, latest_review, reviews_in
from service.db.workspaces import get_workspace
from service.domain.review import (
    STATE_OF_ACTION,
    RequirementReview,
    ReviewAction,
    ReviewRecord,
    ReviewState,
)
from service.errors import InvalidInputError, NotFoundError
from service.pipeline.audit import record, workspace_target
from service.pipeline.signatures import require_unsigned


@dataclass(frozen=True)
class ReviewDecision:
    """A reviewer's decision on one requirement of an assessment."""

    assessment_id: str
    ref: str
    action: ReviewAction
    level: int | None = None
    comment: str = ""


def review_record(row: ReviewRow) -> ReviewRecord:
    """A stored review as the domain model."""
    return ReviewRecord(
        id=row.id, assessment_id=row.assessment_id, ref_id=row.ref_id,
        action=ReviewAction(row.action), level=row.level, proposed_level=row.proposed_level,
        comment=row.comment, reviewer=row.reviewer, created_at=row.created_at,
    )


def open_assessment(session: Session, assessment_id: str, workspace: str) -> AssessmentRow:
    """The assessment of ``workspace``; NotFoundError if unknown or in another workspace."""
    space = get_workspace(session, workspace)
    row = None if space is None else get_assessment(session, space.id, assessment_id)
    if row is None:
        raise NotFoundError(f"no assessment '{assessment_id}' in workspace '{workspace}'")
    return row


def workspace_of(session: Session, assessment_id: str) -> str:
    """The workspace an assessment belongs to, for commands that name it by id only."""
    slug = workspace_slug_of(session, assessment_id)
    if slug is None:
        raise NotFoundError(f"no assessment '{assessment_id}'")
    return slug


def _check(decision: ReviewDecision, scale_levels: list[int]) -> int | None:
    """Validate the decision and return the level it sets (None: not applicable)."""
    comment = decision.comment.strip()
    if decision.action == ReviewAction.OVERRIDE:
        if decision.level is None or decision.level not in scale_levels:
            allowed = ", ".join(map(str, scale_levels))
            raise InvalidInputError(
                f"override needs a level on the assessment's scale ({allowed}), "
                f"not {decision.level}"
            )
        if not comment:
            raise InvalidInputError("override needs a comment that says why")
        return decision.level
    if decision.level is not None:
        raise InvalidInputError(f"{decision.action} takes no level; use override to change it")
    if decision.action == ReviewAction.NA and not comment:
        raise InvalidInputError("not applicable needs a comment that justifies it")
    return None


def review_proposal(
    session: Session,
    registry: CatalogRegistry,
    decision: ReviewDecision,
    *,
    actor: str,
    workspace: str,
) -> ReviewRecord:
    """Record a decision on a proposal of an assessment of ``workspace``.

    A signed assessment refuses decisions (ConflictError) until it is re-opened.
    """
    assessment = open_assessment(session, decision.assessment_id, workspace)
    require_unsigned(session, assessment.id)
    ref_id = registry.requirement(assessment.framework_id, decision.ref).ref_id
    proposal = find_proposal(session, assessment.id, ref_id)
    if proposal is None:
        raise NotFoundError(f"assessment '{assessment.id}' has no proposal for {ref_id}")
    checked = _check(decision, [step.value for step in registry.scale(assessment.scale_id).levels])
    level = proposal.level if decision.action == ReviewAction.ACCEPT else checked
    previous = latest_review(session, assessment.id, ref_id)
    row = ReviewRow(
        assessment_id=assessment.id, ref_id=ref_id, action=decision.action.value, level=level,
        proposed_level=proposal.level, comment=decision.comment.strip(), reviewer=actor,
    )
    session.add(row)
    session.flush()
    before = None if previous is None else {
        "action": previous.action, "level": previous.level, "reviewer": previous.reviewer}
    after = {"action": row.action, "level": level, "proposed_level": proposal.level}
    target = workspace_target(workspace, f"assessment:{assessment.id}", f"requirement:{ref_id}")
    record(session, actor, f"review.{row.action}", target, before, after, row.comment or None)
    session.commit()
    return review_record(row)


def _state(proposed: int | None, review: ReviewRow | None, assessment_id: str) -> ReviewState:
    if review is None:
        return ReviewState.PENDING
    seen_or_chosen = (review.proposed_level, review.level)
    if review.assessment_id != assessment_id and proposed not in seen_or_chosen:
        return ReviewState.CHANGED
    return STATE_OF_ACTION[ReviewAction(review.action)]


def effective_status(
    session: Session, assessment_id: str, workspace: str
) -> list[RequirementReview]:
    """Every proposal of the assessment with the review that applies to it, in order."""
    assessment = open_assessment(session, assessment_id, workspace)
    applying = {review.ref_id: review for review in applicable_reviews(session, assessment)}
    return [
        RequirementReview(
            assessment_id=assessment.id, ref_id=p.ref_id, title=str(p.payload.get("title", "")),
            theme=p.theme, proposed_level=p.level,
            state=_state(p.level, applying.get(p.ref_id), assessment.id),
            review=None if p.ref_id not in applying else review_record(applying[p.ref_id]),
        )
        for p in proposals_of(session, assessment.id)
    ]


def review_history(
    session: Session, assessment_id: str, workspace: str
) -> list[ReviewRecord]:
    """Every decision made on this assessment, oldest first (superseded ones included)."""
    assessment = open_assessment(session, assessment_id, workspace)
    return [review_record(row) for row in reviews_in(session, assessment.id)]
