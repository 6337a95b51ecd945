"""Queries on assessments and proposals."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.db.tables import AssessmentRow, ProposalRow, WorkspaceRow


def get_assessment(session: Session, workspace_id: int, assessment_id: str) -> AssessmentRow | None:
    """The assessment with this id, only if it belongs to the workspace."""
    return session.scalar(
        select(AssessmentRow).where(
            AssessmentRow.id == assessment_id, AssessmentRow.workspace_id == workspace_id
        )
    )


def workspace_slug_of(session: Session, assessment_id: str) -> str | None:
    """The slug of the workspace an assessment belongs to (the CLI names assessments by id)."""
    return session.scalar(
        select(WorkspaceRow.slug)
        .join(AssessmentRow, AssessmentRow.workspace_id == WorkspaceRow.id)
        .where(AssessmentRow.id == assessment_id)
    )


def proposals_of(session: Session, assessment_id: str) -> Sequence[ProposalRow]:
    """The assessment's proposals, in the order they were made."""
    return session.scalars(
        select(ProposalRow)
        .where(ProposalRow.assessment_id == assessment_id)
        .order_by(ProposalRow.id)
    ).all()


def proposed_refs(session: Session, assessment_id: str) -> set[str]:
    """The ref_ids that already have a proposal, so that a resumed run skips them."""
    return set(
        session.scalars(
            select(ProposalRow.ref_id).where(ProposalRow.assessment_id == assessment_id)
        )
    )
