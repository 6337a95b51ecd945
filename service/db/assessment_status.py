"""Changing an assessment's status only from the one the caller saw (one conditional UPDATE)."""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.orm import Session

from service.db.tables import AssessmentRow
from service.db.updates import changed_rows


def change_status(session: Session, assessment_id: str, seen: str, status: str) -> bool:
    """Set the status if it is still ``seen``; True if it changed (the caller commits)."""
    return changed_rows(session, update(AssessmentRow)
                        .where(AssessmentRow.id == assessment_id, AssessmentRow.status == seen)
                        .values(status=status)) == 1
