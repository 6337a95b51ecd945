"""The audit log on SQLite and PostgreSQL: appends chain, and tampering is named."""

from __future__ import annotations

import itertools
import threading
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import Connection, text
from sqlalchemy.exc import DBAPIError

from service.db import Session, sessionmaker
from service.domain.audit import AuditEvent, AuditProblem
from service.pipeline.audit import list_events, record, verify
from service.pipeline.audit_seal import AuditSeal

pytestmark = pytest.mark.integration
pytest_plugins = ["tests.databases"]


def append(sessions: sessionmaker[Session], count: int) -> None:
    with sessions() as session:
        for n in range(count):
            record(session, f"user{n}", "thing.done", f"workspace:qa/thing:{n}",
                   {"n": n, "list": [1, 2.5, None]}, {"n": n + 1, "text": "é ✓"}, f"why {n}")
        session.commit()


def tamper(sessions: sessionmaker[Session], *statements: str) -> None:
    """Run SQL on the events as an attacker with DDL rights: the append-only guard goes first."""
    with sessions() as session:
        connection: Connection = session.connection()
        if connection.dialect.name == "postgresql":
            connection.execute(text("ALTER TABLE audit_events DISABLE TRIGGER USER"))
        else:
            connection.execute(text("DROP TRIGGER audit_events_no_update"))
            connection.execute(text("DROP TRIGGER audit_events_no_delete"))
        for statement in statements:
            connection.execute(text(statement))
        session.commit()


@pytest.fixture
def five(sessions: sessionmaker[Session]) -> Iterator[sessionmaker[Session]]:
    append(sessions, 5)
    with sessions() as session:
        result = verify(session)
    assert result.model_dump(exclude={"anchor"}) == {
        "ok": True, "events": 5, "first_broken": None, "problem": None, "detail": None,
        "keyed_from": 1}
    assert result.anchor is not None and result.anchor.seq == 5
    yield sessions


def check(
    sessions: sessionmaker[Session], events: int, first_broken: int, problem: AuditProblem,
    word: str,
) -> None:
    with sessions() as session:
        result = verify(session)
    assert (result.ok, result.events, result.first_broken) == (False, events, first_broken)
    assert result.problem == problem
    assert result.detail is not None and word in result.detail


def test_an_empty_log_verifies(sessions: sessionmaker[Session]) -> None:
    with sessions() as session:
        assert verify(session).ok
        assert verify(session).events == 0


def test_events_chain_and_read_back_unchanged(
    five: sessionmaker[Session], audit_seal: AuditSeal
) -> None:
    with five() as session:
        events = list_events(session)
    assert [e.seq for e in events] == [1, 2, 3, 4, 5]
    assert all(e.prev_hash == p.hash for p, e in itertools.pairwise(events))
    assert events[0].prev_hash == "0" * 64
    assert events[2].before == {"n": 2, "list": [1, 2.5, None]}
    assert events[2].after == {"n": 3, "text": "é ✓"}
    assert all(e.expected_hash(audit_seal.key) == e.hash for e in events)
    assert all(e.chain == 2 for e in events)


@pytest.mark.parametrize(("column", "value"), [
    ("actor", "'mallory'"), ("reason", "'no reason'"), ("target", "'workspace:other/x'"),
    ("action", "'thing.undone'"), ("at", "'2020-01-01 00:00:00'"),
])
def test_an_edited_field_is_named(five: sessionmaker[Session], column: str, value: str) -> None:
    tamper(five, f"UPDATE audit_events SET {column} = {value} WHERE seq = 3")
    check(five, 5, 3, AuditProblem.REWRITTEN, "edited")


def test_edited_json_is_named(five: sessionmaker[Session]) -> None:
    with five() as session:
        dialect = session.connection().dialect.name
    cast = "::json" if dialect == "postgresql" else ""
    tamper(five, f"""UPDATE audit_events SET after = '{{"n": 99}}'{cast} WHERE seq = 2""")
    check(five, 5, 2, AuditProblem.REWRITTEN, "edited")


def test_an_edit_rehashed_with_the_key_breaks_the_next_link(
    five: sessionmaker[Session], audit_seal: AuditSeal
) -> None:
    with five() as session:
        third = list_events(session)[2]
    rehashed = third.model_copy(update={"actor": "mallory"}).expected_hash(audit_seal.key)
    tamper(five, f"UPDATE audit_events SET actor = 'mallory', hash = '{rehashed}' WHERE seq = 3")
    check(five, 5, 4, AuditProblem.REORDERED, "does not chain")


def test_a_deleted_event_is_named(five: sessionmaker[Session]) -> None:
    tamper(five, "DELETE FROM audit_events WHERE seq = 2")
    check(five, 4, 2, AuditProblem.DELETED, "missing")


def test_a_deleted_first_event_is_named(five: sessionmaker[Session]) -> None:
    tamper(five, "DELETE FROM audit_events WHERE seq = 1")
    check(five, 4, 1, AuditProblem.DELETED, "missing")


def test_a_cut_tail_is_named(five: sessionmaker[Session]) -> None:
    tamper(five, "DELETE FROM audit_events WHERE seq >= 4")
    check(five, 3, 4, AuditProblem.TRUNCATED, "missing")


def test_swapped_events_are_named(five: sessionmaker[Session]) -> None:
    tamper(five, "UPDATE audit_events SET seq = -1 WHERE seq = 3",
           "UPDATE audit_events SET seq = 3 WHERE seq = 4",
           "UPDATE audit_events SET seq = 4 WHERE seq = -1")
    check(five, 5, 3, AuditProblem.REORDERED, "reordered")


def insert_after_last(sessions: sessionmaker[Session], key: bytes, chain: int) -> None:
    """Slip an event in with plain SQL, hashed with ``key`` under the ``chain`` rule."""
    with sessions() as session:
        last = list_events(session)[-1]
    forged = AuditEvent(seq=6, at=datetime.now(UTC), actor="mallory", action="user.created",
                        target="user:mallory", prev_hash=last.hash, hash="", chain=chain)
    with sessions() as session:
        session.execute(
            text("INSERT INTO audit_events (seq, at, actor, action, target, prev_hash, hash, "
                 "chain) VALUES (6, :at, :actor, :action, :target, :prev_hash, :hash, :chain)"),
            forged.model_dump(include={"at", "actor", "action", "target", "prev_hash", "chain"})
            | {"hash": forged.expected_hash(key)},
        )
        session.commit()


def test_an_event_slipped_in_with_the_key_is_named(
    five: sessionmaker[Session], audit_seal: AuditSeal
) -> None:
    insert_after_last(five, audit_seal.key, 2)
    check(five, 6, 6, AuditProblem.INSERTED, "outside")


@pytest.mark.parametrize("chain", [1, 2])
def test_an_event_slipped_in_without_the_key_is_rewritten(
    five: sessionmaker[Session], chain: int
) -> None:
    insert_after_last(five, bytes(32), chain)
    check(five, 6, 6, AuditProblem.REWRITTEN, "audit key")


def test_the_guard_refuses_updates_and_deletes(five: sessionmaker[Session]) -> None:
    for statement in ("UPDATE audit_events SET actor = 'x' WHERE seq = 1",
                      "DELETE FROM audit_events WHERE seq = 5"):
        with five() as session, pytest.raises(DBAPIError, match="append-only"):
            session.execute(text(statement))
    with five() as session:
        assert verify(session).ok


def test_concurrent_appends_stay_one_chain(sessions: sessionmaker[Session]) -> None:
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            append(sessions, 5)
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with sessions() as session:
        result = verify(session)
    assert (result.ok, result.events) == (True, 20)


def test_events_are_listed_per_workspace(sessions: sessionmaker[Session]) -> None:
    with sessions() as session:
        for target in ("workspace:qa", "workspace:qa/document:1", "workspace:qa2/document:2",
                       "user:alice"):
            record(session, "cli:test", "x", target)
        session.commit()
        assert [e.target for e in list_events(session, "qa")] == [
            "workspace:qa", "workspace:qa/document:1"]
        assert [e.seq for e in list_events(session, after_seq=2, limit=1)] == [3]
