"""Queries on workspaces."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.db.tables import WorkspaceRow


def get_workspace(session: Session, slug: str) -> WorkspaceRow | None:
    """The workspace with this slug, if any."""
    return session.scalar(select(WorkspaceRow).where(WorkspaceRow.slug == slug))


def get_or_create_workspace(session: Session, slug: str) -> WorkspaceRow:
    """The workspace with this slug, created (and flushed) on first use."""
    row = get_workspace(session, slug)
    if row is None:
        row = WorkspaceRow(slug=slug, name=slug)
        session.add(row)
        session.flush()
    return row
