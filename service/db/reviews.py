"""Queries on reviews."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.db.review_tables import ReviewRow
from service.db.tables import AssessmentRow, ProposalRow


def latest_review(session: Session, assessment_id: str, ref_id: str) -> ReviewRow | None:
    """The newest review of one requirement within one assessment."""
    return session.scalar(
        select(ReviewRow)
        .where(ReviewRow.assessment_id == assessment_id, ReviewRow.ref_id == ref_id)
        .order_by(ReviewRow.id.desc())
        .limit(1)
    )


def applicable_reviews(session: Session, assessment: AssessmentRow) -> Sequence[ReviewRow]:
    """Reviews of this assessment and of earlier ones of its workspace and framework.

    Ordered oldest first by (assessment date, review id), so that the last review per
    requirement is the one that applies.
    """
    return session.scalars(
        select(ReviewRow)
        .join(AssessmentRow, AssessmentRow.id == ReviewRow.assessment_id)
        .where(
            AssessmentRow.workspace_id == assessment.workspace_id,
            AssessmentRow.framework_id == assessment.framework_id,
            AssessmentRow.created_at <= assessment.created_at,
        )
        .order_by(AssessmentRow.created_at, ReviewRow.id)
    ).all()


def reviews_in(session: Session, assessment_id: str) -> Sequence[ReviewRow]:
    """Every review made on one assessment, oldest first."""
    return session.scalars(
        select(ReviewRow).where(ReviewRow.assessment_id == assessment_id).order_by(ReviewRow.id)
    ).all()


def find_proposal(session: Session, assessment_id: str, ref_id: str) -> ProposalRow | None:
    """The assessment's proposal for one requirement, if it has one."""
    return session.scalar(
        select(ProposalRow).where(
            ProposalRow.assessment_id == assessment_id, ProposalRow.ref_id == ref_id
        )
    )
