"""Database fixtures: every test that takes ``db_url`` runs on SQLite and on PostgreSQL.

Load them in a test module with ``pytest_plugins = ["tests.databases"]``. Without a
PostgreSQL server its tests skip, except under ``CI=true``: there they fail, so that a CI
run cannot pass without them.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError

from service.components.anchors import FileAnchorStore
from service.db import Session, make_engine, migrate, sessionmaker
from service.pipeline.audit_seal import AuditSeal, sealed_sessions

POSTGRES_SERVER = os.environ.get(
    "ASSAY_TEST_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
TEST_AUDIT_KEY = bytes(range(32))


def postgres_schema_url() -> Iterator[str]:
    """A new schema on the PostgreSQL server, dropped afterwards."""
    schema = f"assay_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(POSTGRES_SERVER)
    try:
        with admin.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    except OperationalError as error:
        admin.dispose()
        missing = f"the test PostgreSQL server is not reachable: {error.orig}"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{missing} (CI=true: the PostgreSQL tests must run)")
        pytest.skip(missing)
    try:
        yield f"{POSTGRES_SERVER}?options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh database: a SQLite file, or a new schema on the PostgreSQL server."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'assay.db'}"
    else:
        yield from postgres_schema_url()


@pytest.fixture
def audit_seal(tmp_path: Path) -> AuditSeal:
    """A fixed audit key, and anchors in the test's own directory."""
    return AuditSeal(key=TEST_AUDIT_KEY, anchors=FileAnchorStore(tmp_path / "anchors.jsonl"))


@pytest.fixture
def sessions(db_url: str, audit_seal: AuditSeal) -> Iterator[sessionmaker[Session]]:
    """Sessions on the migrated fresh database, sealed with the test's audit key."""
    engine = make_engine(db_url)
    migrate(engine)
    yield sealed_sessions(engine, audit_seal)
    engine.dispose()
