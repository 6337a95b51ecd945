"""What an attacker who holds the database (but not the audit key) does to the audit log."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, text

from service.db import Session, sessionmaker
from service.domain.audit import legacy_hash
from service.pipeline.audit import list_events, record


def append(sessions: sessionmaker[Session], count: int, start: int = 0) -> None:
    """Append ``count`` events through the pipeline, in one transaction."""
    with sessions() as session:
        for n in range(start, start + count):
            record(session, f"user{n}", "thing.done", f"workspace:qa/thing:{n}",
                   {"n": n, "list": [1, 2.5, None]}, {"n": n + 1, "text": "é ✓"}, f"why {n}")
        session.commit()


def drop_guard(connection: Connection) -> None:
    """Switch off the append-only triggers, as the table's owner may."""
    if connection.dialect.name == "postgresql":
        connection.execute(text("ALTER TABLE audit_events DISABLE TRIGGER USER"))
    else:
        connection.execute(text("DROP TRIGGER IF EXISTS audit_events_no_update"))
        connection.execute(text("DROP TRIGGER IF EXISTS audit_events_no_delete"))


def tamper(sessions: sessionmaker[Session], *statements: str, **params: Any) -> None:
    """Run SQL on the events as an attacker with DDL rights: the append-only guard goes first."""
    with sessions() as session:
        connection = session.connection()
        drop_guard(connection)
        for statement in statements:
            connection.execute(text(statement), params)
        session.commit()


def rewrite_with_sha256(
    sessions: sessionmaker[Session], seq: int, actor: str, *, downgrade: bool = False
) -> None:
    """Edit one event's actor, then recompute it and every later hash and the head with plain
    SHA-256 (the unkeyed rule), as the published algorithm allows anyone to.

    ``downgrade`` also marks every event as unkeyed (chain 1), hoping to pass as a log
    written before keys existed.
    """
    with sessions() as session:
        events = list_events(session, limit=10**6)
    prev = events[0].prev_hash
    statements: list[str] = []
    params: dict[str, str] = {}
    for event in events:
        changed = event.model_copy(update={"prev_hash": prev})
        if event.seq == seq:
            changed = changed.model_copy(update={"actor": actor})
        if event.seq >= seq or downgrade:
            digest = legacy_hash(changed.fields())
            chain = 1 if downgrade else event.chain
            statements.append(f"UPDATE audit_events SET actor = :a{event.seq}, prev_hash = "
                              f":p{event.seq}, hash = :h{event.seq}, chain = {chain} "
                              f"WHERE seq = {event.seq}")
            params |= {f"a{event.seq}": changed.actor, f"p{event.seq}": prev,
                       f"h{event.seq}": digest}
            prev = digest
        else:
            prev = event.hash
    statements.append("UPDATE audit_head SET hash = :head")
    tamper(sessions, *statements, head=prev, **params)


def snapshot(sessions: sessionmaker[Session]) -> tuple[int, str]:
    """The head (seq, hash) now: what a backup taken now holds."""
    with sessions() as session:
        events = list_events(session, limit=10**6)
    return events[-1].seq, events[-1].hash


def restore(sessions: sessionmaker[Session], backup: tuple[int, str]) -> None:
    """Put the audit log back as it was at ``backup``: a valid, shorter chain."""
    seq, head = backup
    tamper(sessions, f"DELETE FROM audit_events WHERE seq > {seq}",
           "UPDATE audit_head SET seq = :seq, hash = :head", seq=seq, head=head)
