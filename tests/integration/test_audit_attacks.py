"""The attacks of issue 12 on the audit log, on SQLite and PostgreSQL, and how verify names them.

An attacker holds the database, with DDL rights, but neither the audit key nor the anchors.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import text

from service.components.anchors import FileAnchorStore
from service.db import Session, make_engine, migrate, sessionmaker
from service.domain.audit import AuditProblem, AuditVerification
from service.errors import ConflictError
from service.pipeline.audit import anchor_chain, list_events, record, verify
from service.pipeline.audit_seal import AuditSeal, sealed_sessions
from tests.audit_tampering import append, restore, rewrite_with_sha256, snapshot, tamper

pytestmark = pytest.mark.integration
pytest_plugins = ["tests.databases"]


def checked(sessions: sessionmaker[Session]) -> AuditVerification:
    with sessions() as session:
        return verify(session)


def test_a_full_rewrite_with_sha256_and_the_head_fails(sessions: sessionmaker[Session]) -> None:
    append(sessions, 6)
    rewrite_with_sha256(sessions, 3, "mallory")
    with sessions() as session:
        assert [e.actor for e in list_events(session)][2] == "mallory"
    result = checked(sessions)
    assert (result.ok, result.problem, result.first_broken) == (
        False, AuditProblem.REWRITTEN, 3)
    assert result.detail is not None and "audit key" in result.detail


def test_a_rewrite_that_poses_as_an_unkeyed_log_fails(sessions: sessionmaker[Session]) -> None:
    append(sessions, 6)
    rewrite_with_sha256(sessions, 3, "mallory", downgrade=True)
    result = checked(sessions)
    assert (result.ok, result.problem, result.first_broken) == (
        False, AuditProblem.REWRITTEN, 1)
    assert result.detail is not None and "without the audit key" in result.detail


def test_restoring_an_older_copy_is_a_rollback(sessions: sessionmaker[Session]) -> None:
    append(sessions, 3)
    backup = snapshot(sessions)
    append(sessions, 2, start=3)
    restore(sessions, backup)
    with sessions() as session:
        assert len(list_events(session)) == 3
    result = checked(sessions)
    assert (result.ok, result.events, result.problem, result.first_broken) == (
        False, 3, AuditProblem.ROLLED_BACK, 4)
    assert result.anchor is not None and result.anchor.seq == 5


def test_an_older_copy_that_took_new_events_is_a_rollback(
    sessions: sessionmaker[Session],
) -> None:
    append(sessions, 3)
    backup = snapshot(sessions)
    append(sessions, 2, start=3)
    restore(sessions, backup)
    append(sessions, 4, start=100)
    result = checked(sessions)
    # anchored after each commit: at 3 and 5 before the restore, 7 after; 5 differs now
    assert (result.ok, result.events, result.problem, result.first_broken) == (
        False, 7, AuditProblem.ROLLED_BACK, 5)


def test_a_removed_tail_with_a_fixed_head_is_a_rollback(sessions: sessionmaker[Session]) -> None:
    append(sessions, 5)
    with sessions() as session:
        third = list_events(session)[2]
    tamper(sessions, "DELETE FROM audit_events WHERE seq > 3",
           "UPDATE audit_head SET seq = 3, hash = :h", h=third.hash)
    result = checked(sessions)
    assert (result.problem, result.first_broken) == (AuditProblem.ROLLED_BACK, 4)


def test_a_forged_anchor_line_is_named(
    sessions: sessionmaker[Session], audit_seal: AuditSeal, tmp_path: Path
) -> None:
    append(sessions, 2)
    assert isinstance(audit_seal.anchors, FileAnchorStore)
    with audit_seal.anchors.path.open("a") as handle:
        handle.write('{"seq": 1, "head": "x", "at": "2026-01-01T00:00:00Z", '
                     '"keyed_from": 1, "key_id": "k", "mac": "forged"}\n')
    result = checked(sessions)
    assert (result.ok, result.problem) == (False, AuditProblem.ANCHOR_INVALID)


def test_anchoring_on_demand_refuses_a_broken_chain(sessions: sessionmaker[Session]) -> None:
    append(sessions, 3)
    with sessions() as session:
        anchor = anchor_chain(session)
    assert (anchor.seq, anchor.keyed_from) == (3, 1)
    tamper(sessions, "UPDATE audit_events SET actor = 'x' WHERE seq = 2")
    with sessions() as session, pytest.raises(ConflictError, match="rewritten"):
        anchor_chain(session)


def test_a_rolled_back_transaction_is_not_anchored(
    sessions: sessionmaker[Session], audit_seal: AuditSeal
) -> None:
    append(sessions, 1)
    with sessions() as session:
        record(session, "cli:x", "thing.done", "workspace:qa")
        session.rollback()
        session.commit()
    assert isinstance(audit_seal.anchors, FileAnchorStore)
    assert len(audit_seal.anchors.path.read_text().splitlines()) == 1
    assert checked(sessions).ok


def test_another_key_cannot_append_to_the_chain(
    db_url: str, sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    append(sessions, 2)
    other = AuditSeal(key=bytes(32), anchors=FileAnchorStore(tmp_path / "other.jsonl"))
    engine = make_engine(db_url)
    with sealed_sessions(engine, other)() as session, pytest.raises(
            ConflictError, match="restore the original audit key"):
        record(session, "cli:x", "thing.done", "workspace:qa")
    with sealed_sessions(engine, other)() as session:
        result = verify(session)
    engine.dispose()
    assert (result.problem, result.first_broken) == (AuditProblem.REWRITTEN, 1)


def test_a_restored_sqlite_file_is_a_rollback(tmp_path: Path, audit_seal: AuditSeal) -> None:
    """The same rollback with a real file copy: the backup an operator would restore."""
    database = tmp_path / "real.db"
    engine = make_engine(f"sqlite:///{database}")
    migrate(engine)
    sessions = sealed_sessions(engine, audit_seal)
    append(sessions, 2)
    with engine.connect() as connection:
        connection.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
    shutil.copy(database, tmp_path / "backup.db")
    append(sessions, 2, start=2)
    engine.dispose()
    shutil.copy(tmp_path / "backup.db", database)
    engine = make_engine(f"sqlite:///{database}")
    result = checked(sealed_sessions(engine, audit_seal))
    engine.dispose()
    assert (result.events, result.problem, result.first_broken) == (
        2, AuditProblem.ROLLED_BACK, 3)


def test_a_copy_that_grew_back_to_the_anchored_length_is_a_rollback(
    sessions: sessionmaker[Session],
) -> None:
    """Anchored at 5 twice, with two different heads: the database forked."""
    append(sessions, 3)
    backup = snapshot(sessions)
    append(sessions, 2, start=3)
    restore(sessions, backup)
    append(sessions, 2, start=100)
    result = checked(sessions)
    assert (result.events, result.problem, result.first_broken) == (
        5, AuditProblem.ROLLED_BACK, 5)
