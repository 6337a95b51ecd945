"""Queries on documents: only ready ones are shown; ingest leases are taken and given back here.

Every lease change is one conditional UPDATE compared in the database (its clock, never this
process's), so two processes can never both hold a document.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from service.db.document_versions import count_version_references
from service.db.tables import READY, DocumentRow
from service.db.updates import changed_rows


def find_document(session: Session, workspace_id: int, display_name: str) -> DocumentRow | None:
    """The document under this name in the workspace, ready or pending, if any."""
    return session.scalar(
        select(DocumentRow).where(
            DocumentRow.workspace_id == workspace_id, DocumentRow.display_name == display_name
        )
    )


def get_document(session: Session, workspace_id: int, document_id: str) -> DocumentRow | None:
    """The ready document with this id, only if it belongs to the workspace."""
    return session.scalar(
        select(DocumentRow).where(
            DocumentRow.workspace_id == workspace_id, DocumentRow.id == document_id,
            DocumentRow.state == READY,
        )
    )


def list_documents(session: Session, workspace_id: int) -> Sequence[DocumentRow]:
    """The workspace's ready documents, by name."""
    return session.scalars(
        select(DocumentRow)
        .where(DocumentRow.workspace_id == workspace_id, DocumentRow.state == READY)
        .order_by(DocumentRow.display_name)
    ).all()


def count_references(session: Session, stored_path: str) -> int:
    """How many documents, in any workspace and state, or kept versions use this original."""
    rows = session.scalar(
        select(func.count()).select_from(DocumentRow).where(DocumentRow.stored_path == stored_path)
    ) or 0
    return rows + count_version_references(session, stored_path)


def insert_pending(session: Session, row: DocumentRow) -> bool:
    """Commit a new pending row; False (rolled back) if the name was taken meanwhile."""
    session.add(row)
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        return False
    return True


def take_lease(
    session: Session, document_id: str, holder: str, now: datetime, until: datetime
) -> bool:
    """Lease the document to ``holder`` if nobody holds it or the lease expired; True if so."""
    return changed_rows(session, (
        update(DocumentRow)
        .where(DocumentRow.id == document_id,
               or_(DocumentRow.lease_holder.is_(None), DocumentRow.lease_expires_at < now))
        .values(lease_holder=holder, lease_expires_at=until)
    )) == 1


def renew_lease(session: Session, document_id: str, holder: str, until: datetime) -> bool:
    """Extend the holder's lease; False if it is no longer theirs."""
    return changed_rows(session, (
        update(DocumentRow)
        .where(DocumentRow.id == document_id, DocumentRow.lease_holder == holder)
        .values(lease_expires_at=until)
    )) == 1


def release_lease(session: Session, document_id: str, holder: str) -> bool:
    """Give the lease back; False if it was no longer the holder's."""
    return changed_rows(session, (
        update(DocumentRow)
        .where(DocumentRow.id == document_id, DocumentRow.lease_holder == holder)
        .values(lease_holder=None, lease_expires_at=None)
    )) == 1


def held_document(session: Session, document_id: str, holder: str) -> DocumentRow | None:
    """The document, only while ``holder`` holds its lease."""
    return session.scalar(
        select(DocumentRow).where(DocumentRow.id == document_id,
                                  DocumentRow.lease_holder == holder)
    )


def document_exists(session: Session, document_id: str) -> bool:
    """Whether a row with this id exists, in any state."""
    return session.get(DocumentRow, document_id) is not None


def expired_leases(session: Session, now: datetime) -> Sequence[DocumentRow]:
    """Documents whose ingest lease has expired: their writer died or gave up."""
    return session.scalars(
        select(DocumentRow).where(DocumentRow.lease_holder.is_not(None),
                                  DocumentRow.lease_expires_at < now)
    ).all()


def workspace_rows(session: Session, workspace_id: int) -> Sequence[DocumentRow]:
    """Every document row of the workspace, pending ones too."""
    return session.scalars(
        select(DocumentRow).where(DocumentRow.workspace_id == workspace_id)).all()

