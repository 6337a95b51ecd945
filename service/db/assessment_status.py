"""Changing an assessment's status only from the one the caller saw (one conditional UPDATE)."""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import CursorResult, update
from sqlalchemy.orm import Session

from service.db.tables import AssessmentRow


def change_status(session: Session, assessment_id: str, seen: str, status: str) -> bool:
    """Set the status if it is still ``seen``; True if it changed (the caller commits)."""
    result = session.execute(
        update(AssessmentRow)
        .where(AssessmentRow.id == assessment_id, AssessmentRow.status == seen)
        .values(status=status)
        .execution_options(synchronize_session=False)
    )
    return int(cast(CursorResult[Any], result).rowcount) == 1
