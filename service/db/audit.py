"""Storage of the audit log: the events and the head row that serialises appends."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from service.db.review_tables import AuditEventRow, AuditHeadRow

HEAD_ID = 1


def claim_next_seq(session: Session) -> tuple[int, str] | None:
    """Advance the head by one and return (new seq, hash of the newest event).

    The UPDATE takes the write lock first: a row lock on PostgreSQL, the database write
    lock on SQLite. Concurrent appenders wait until this transaction ends, so no two
    events can claim the same seq or chain to the same predecessor. None if the head row
    is missing.
    """
    claimed = session.execute(
        update(AuditHeadRow)
        .where(AuditHeadRow.id == HEAD_ID)
        .values(seq=AuditHeadRow.seq + 1)
        .returning(AuditHeadRow.seq, AuditHeadRow.hash)
        .execution_options(synchronize_session=False)
    ).one_or_none()
    return None if claimed is None else (claimed.seq, claimed.hash)


def append_event(session: Session, event: AuditEventRow) -> None:
    """Insert an event whose seq was claimed, and make it the head."""
    session.add(event)
    session.execute(
        update(AuditHeadRow)
        .where(AuditHeadRow.id == HEAD_ID)
        .values(hash=event.hash)
        .execution_options(synchronize_session=False)
    )
    session.flush()


def read_head(session: Session) -> AuditHeadRow | None:
    """The head row: the seq and hash of the newest event."""
    return session.get(AuditHeadRow, HEAD_ID)


def iter_events(session: Session, batch: int = 500) -> Iterator[AuditEventRow]:
    """Every event in seq order, read in batches."""
    statement = select(AuditEventRow).order_by(AuditEventRow.seq)
    yield from session.scalars(statement.execution_options(yield_per=batch))


def select_events(
    session: Session, scope: str | None, after_seq: int, limit: int
) -> Sequence[AuditEventRow]:
    """Up to ``limit`` events after a seq; with a scope, only the scope's target and below."""
    statement = select(AuditEventRow).where(AuditEventRow.seq > after_seq)
    if scope is not None:
        statement = statement.where(
            or_(
                AuditEventRow.target == scope,
                AuditEventRow.target.startswith(f"{scope}/", autoescape=True),
            )
        )
    return session.scalars(statement.order_by(AuditEventRow.seq).limit(limit)).all()
