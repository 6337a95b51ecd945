"""Listing a workspace's assessments, newest first, with how many proposals each holds."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from service.db.tables import AssessmentRow, ProposalRow


def assessments_in(session: Session, workspace_id: int) -> Sequence[tuple[AssessmentRow, int]]:
    """Each assessment of the workspace with its proposal count, newest first."""
    counts = (
        select(ProposalRow.assessment_id, func.count().label("proposals"))
        .group_by(ProposalRow.assessment_id)
        .subquery()
    )
    rows = session.execute(
        select(AssessmentRow, func.coalesce(counts.c.proposals, 0))
        .outerjoin(counts, counts.c.assessment_id == AssessmentRow.id)
        .where(AssessmentRow.workspace_id == workspace_id)
        .order_by(AssessmentRow.created_at.desc(), AssessmentRow.id)
    ).all()
    return [(row, int(count)) for row, count in rows]
