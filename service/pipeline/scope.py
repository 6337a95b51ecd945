"""Changing an assessment's scope statement: by an assessor, audited, not while signed."""

from __future__ import annotations

from service.db import Session
from service.domain.scope import scope_statement
from service.pipeline.audit import record, workspace_target
from service.pipeline.review import open_assessment
from service.pipeline.signatures import require_unsigned


def set_scope(
    session: Session, assessment_id: str, workspace: str, text: str | None, actor: str
) -> str | None:
    """Replace the scope statement (None or blank clears it); returns the one stored.

    The change and its audit event (old and new statement) commit together; a signed
    assessment must be re-opened first (ConflictError), since a signature covers the scope.
    """
    row = open_assessment(session, assessment_id, workspace)
    scope = scope_statement(text)
    if scope == row.scope:
        return scope
    require_unsigned(session, row.id)
    record(session, actor, "assessment.scope_changed",
           workspace_target(workspace, f"assessment:{row.id}"), {"scope": row.scope},
           {"scope": scope})
    row.scope = scope
    session.commit()
    return scope


def get_scope(session: Session, assessment_id: str, workspace: str) -> str | None:
    """The assessment's scope statement, None when it has none; NotFoundError if absent."""
    return open_assessment(session, assessment_id, workspace).scope
