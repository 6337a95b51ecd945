"""Conditional UPDATEs: run one and learn how many rows it changed."""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import CursorResult, Update
from sqlalchemy.orm import Session


def changed_rows(session: Session, statement: Update) -> int:
    """Run an UPDATE without synchronising the session; how many rows it changed."""
    result = session.execute(statement.execution_options(synchronize_session=False))
    return int(cast(CursorResult[Any], result).rowcount)
