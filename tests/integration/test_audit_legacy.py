"""A log written before keys existed (revision 0003) verifies, then is keyed from its end on."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import text

from service.db import Engine, Session, make_engine, migrate, sessionmaker
from service.db.engine import MIGRATIONS
from service.domain.audit import GENESIS_HASH, AuditEvent, AuditProblem, legacy_hash
from service.pipeline.audit import list_events, verify
from service.pipeline.audit_seal import AuditSeal, sealed_sessions
from tests.audit_tampering import append, rewrite_with_sha256

pytestmark = pytest.mark.integration
pytest_plugins = ["tests.databases"]


def upgrade_to(engine: Engine, revision: str) -> None:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def write_legacy_log(engine: Engine, count: int) -> None:
    """Events as revision 0003 wrote them: unkeyed SHA-256, no chain column."""
    prev = GENESIS_HASH
    with engine.begin() as connection:
        for seq in range(1, count + 1):
            event = AuditEvent(seq=seq, at=datetime.now(UTC), actor="cli:old",
                               action="user.created", target=f"user:u{seq}",
                               after={"name": f"u{seq}"}, prev_hash=prev, hash="", chain=1)
            digest = legacy_hash(event.fields())
            connection.execute(
                text("INSERT INTO audit_events (seq, at, actor, action, target, after, "
                     "prev_hash, hash) VALUES (:seq, :at, :actor, :action, :target, :after, "
                     ":prev_hash, :hash)"),
                event.model_dump(include={"seq", "at", "actor", "action", "target",
                                          "prev_hash"})
                | {"after": json.dumps({"name": f"u{seq}"}), "hash": digest},
            )
            prev = digest
        connection.execute(text("UPDATE audit_head SET seq = :seq, hash = :hash"),
                           {"seq": count, "hash": prev})


@pytest.fixture
def legacy(db_url: str, audit_seal: AuditSeal) -> sessionmaker[Session]:
    engine = make_engine(db_url)
    upgrade_to(engine, "0003")
    write_legacy_log(engine, 3)
    migrate(engine)
    return sealed_sessions(engine, audit_seal)


def test_an_old_log_verifies_by_its_old_rule(legacy: sessionmaker[Session]) -> None:
    with legacy() as session:
        result = verify(session)
        assert [e.chain for e in list_events(session)] == [1, 1, 1]
    assert (result.ok, result.events, result.keyed_from, result.anchor) == (True, 3, None, None)


def test_the_first_keyed_append_records_the_switch(legacy: sessionmaker[Session]) -> None:
    append(legacy, 2)
    with legacy() as session:
        events = list_events(session)
        result = verify(session)
    assert [(e.seq, e.chain, e.action) for e in events[2:]] == [
        (3, 1, "user.created"), (4, 2, "audit.keyed"), (5, 2, "thing.done"),
        (6, 2, "thing.done")]
    assert events[3].after["legacy_events"] == 3
    assert events[3].prev_hash == events[2].hash == events[3].after["legacy_head"]
    assert (result.ok, result.keyed_from) == (True, 4)


def test_keyed_events_cannot_be_passed_off_as_old_ones(legacy: sessionmaker[Session]) -> None:
    append(legacy, 2)
    rewrite_with_sha256(legacy, 5, "mallory", downgrade=True)
    with legacy() as session:
        result = verify(session)
    assert (result.problem, result.first_broken) == (AuditProblem.REWRITTEN, 4)


def test_old_events_are_sealed_by_the_first_keyed_one(legacy: sessionmaker[Session]) -> None:
    append(legacy, 1)
    rewrite_with_sha256(legacy, 2, "mallory")
    with legacy() as session:
        result = verify(session)
    assert (result.problem, result.first_broken) == (AuditProblem.REWRITTEN, 4)
