"""A least-privilege PostgreSQL role for the service: the audit log is append-only for it.

The tables belong to an owner role that migrates (``db.migration_url``); the service's role
gets the grants ``assay db grants`` prints. Throwaway roles and schema, dropped afterwards.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.exc import OperationalError, ProgrammingError

from service.errors import ConfigurationError
from service.pipeline.audit import verify
from service.pipeline.storage import migrate_database, open_database, service_role_sql
from service.pipeline.users import create_user
from service.settings import DBSettings, Settings

pytestmark = [pytest.mark.integration, pytest.mark.postgres]
SERVER = "127.0.0.1:5432/test"
POSTGRES_SERVER = f"postgresql+psycopg://postgres@{SERVER}"


@dataclass(frozen=True)
class Roles:
    owner_url: str
    service_url: str
    service_role: str
    schema: str


def _url(role: str, schema: str) -> str:
    return f"postgresql+psycopg://{role}@{SERVER}?options=-csearch_path%3D{schema}"


@pytest.fixture
def roles() -> Iterator[Roles]:
    suffix = uuid.uuid4().hex[:8]
    owner, service, schema = f"assay_owner_{suffix}", f"assay_app_{suffix}", f"assay_lp_{suffix}"
    admin = create_engine(POSTGRES_SERVER)
    try:
        with admin.begin() as connection:
            connection.execute(text(f"CREATE ROLE {owner} LOGIN"))
            connection.execute(text(f"CREATE ROLE {service} LOGIN"))
            connection.execute(text(f"CREATE SCHEMA {schema} AUTHORIZATION {owner}"))
    except OperationalError as error:
        admin.dispose()
        pytest.skip(f"PostgreSQL is not reachable on 127.0.0.1:5432: {error.orig}")
    try:
        yield Roles(_url(owner, schema), _url(service, schema), service, schema)
    finally:
        with admin.begin() as connection:
            connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))
            for role in (service, owner):
                connection.execute(text(f"DROP OWNED BY {role}"))
                connection.execute(text(f"DROP ROLE {role}"))
        admin.dispose()


def _settings(tmp_path: Path, url: str, migration_url: str | None = None) -> Settings:
    return Settings(data_dir=tmp_path / "data", db=DBSettings(url=url, migration_url=migration_url))


def _grant(roles: Roles) -> None:
    owner = create_engine(roles.owner_url)
    with owner.begin() as connection:
        for statement in service_role_sql(roles.service_role, roles.schema):
            connection.execute(text(statement))
    owner.dispose()


def _refused(engine: Engine, statement: str) -> str:
    with engine.begin() as connection, pytest.raises(ProgrammingError) as refused:
        connection.execute(text(statement))
    return str(refused.value.orig)


def test_the_service_role_can_append_but_not_alter_the_log(
    roles: Roles, tmp_path: Path
) -> None:
    settings = _settings(tmp_path, roles.service_url, roles.owner_url)
    migrate_database(settings)
    _grant(roles)
    with open_database(settings)() as session:
        create_user(session, "alice", actor="cli:test")
        create_user(session, "bob", actor="cli:test")
        assert verify(session).ok
    service = create_engine(roles.service_url)
    try:
        for statement in ("UPDATE audit_events SET actor = 'mallory' WHERE seq = 1",
                          "DELETE FROM audit_events WHERE seq = 2",
                          "TRUNCATE audit_events"):
            assert "permission denied" in _refused(service, statement)
        for statement in ("ALTER TABLE audit_events DISABLE TRIGGER USER",
                          "DROP TRIGGER audit_events_append_only ON audit_events",
                          "DROP TABLE audit_events",
                          "INSERT INTO audit_head (id, seq, hash) VALUES (2, 0, 'x')",
                          "DELETE FROM alembic_version"):
            assert _refused(service, statement)
        with service.connect() as connection:
            owners = connection.execute(text(
                "SELECT DISTINCT tableowner FROM pg_tables WHERE schemaname = :s"),
                {"s": roles.schema}).scalars().all()
        assert owners == [roles.owner_url.split("//")[1].split("@")[0]]
    finally:
        service.dispose()
    with open_database(settings)() as session:
        assert verify(session).events == 2


def test_the_service_role_alone_starts_on_a_migrated_database(
    roles: Roles, tmp_path: Path
) -> None:
    migrate_database(_settings(tmp_path, roles.owner_url))
    _grant(roles)
    with open_database(_settings(tmp_path, roles.service_url))() as session:
        create_user(session, "carol", actor="cli:test")
        assert verify(session).ok


def test_the_service_role_cannot_migrate_and_says_what_to_do(
    roles: Roles, tmp_path: Path
) -> None:
    owner = create_engine(roles.owner_url)
    with owner.begin() as connection:
        connection.execute(text(f"GRANT USAGE ON SCHEMA {roles.schema} TO {roles.service_role}"))
    owner.dispose()
    with pytest.raises(ConfigurationError, match="ASSAY_DB__MIGRATION_URL"):
        migrate_database(_settings(tmp_path, roles.service_url))
