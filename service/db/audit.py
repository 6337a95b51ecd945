"""Storage of the audit log: the events and the head row that serialises appends."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import NamedTuple

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from service.db.review_tables import AuditEventRow, AuditHeadRow

HEAD_ID = 1


class ClaimedSeq(NamedTuple):
    """A seq claimed for a new event, the hash it chains to, the chain's key and first keyed seq."""

    seq: int
    prev_hash: str
    key_id: str | None
    keyed_from: int | None


def claim_next_seq(session: Session) -> ClaimedSeq | None:
    """Advance the head by one and return the new seq, the newest hash and the key id.

    The UPDATE takes the write lock first: a row lock on PostgreSQL, the database write
    lock on SQLite. Concurrent appenders wait until this transaction ends, so no two
    events can claim the same seq or chain to the same predecessor. None if the head row
    is missing.
    """
    claimed = session.execute(
        update(AuditHeadRow)
        .where(AuditHeadRow.id == HEAD_ID)
        .values(seq=AuditHeadRow.seq + 1)
        .returning(AuditHeadRow.seq, AuditHeadRow.hash, AuditHeadRow.key_id,
                   AuditHeadRow.keyed_from)
        .execution_options(synchronize_session=False)
    ).one_or_none()
    if claimed is None:
        return None
    return ClaimedSeq(claimed.seq, claimed.hash, claimed.key_id, claimed.keyed_from)


def append_event(session: Session, event: AuditEventRow, key_id: str, keyed_from: int) -> None:
    """Insert an event whose seq was claimed, and make it the head of the keyed chain."""
    session.add(event)
    session.execute(
        update(AuditHeadRow)
        .where(AuditHeadRow.id == HEAD_ID)
        .values(hash=event.hash, key_id=key_id, keyed_from=keyed_from)
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
