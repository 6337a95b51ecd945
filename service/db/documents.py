"""Queries on documents."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from service.db.tables import DocumentRow


def find_document(session: Session, workspace_id: int, display_name: str) -> DocumentRow | None:
    """The document shown under this name in the workspace, if any."""
    return session.scalar(
        select(DocumentRow).where(
            DocumentRow.workspace_id == workspace_id, DocumentRow.display_name == display_name
        )
    )


def get_document(session: Session, workspace_id: int, document_id: str) -> DocumentRow | None:
    """The document with this id, only if it belongs to the workspace."""
    return session.scalar(
        select(DocumentRow).where(
            DocumentRow.workspace_id == workspace_id, DocumentRow.id == document_id
        )
    )


def list_documents(session: Session, workspace_id: int) -> Sequence[DocumentRow]:
    """The workspace's documents, by name."""
    return session.scalars(
        select(DocumentRow)
        .where(DocumentRow.workspace_id == workspace_id)
        .order_by(DocumentRow.display_name)
    ).all()


def count_references(session: Session, stored_path: str) -> int:
    """How many documents, in any workspace, keep their original at this path."""
    return session.scalar(
        select(func.count()).select_from(DocumentRow).where(DocumentRow.stored_path == stored_path)
    ) or 0
