"""Opening the database: migrate with the owner's URL, then sessions sealed for the audit log.

``db.migration_url`` lets migrations run as the role that owns the tables while the service
uses a least-privilege role (no UPDATE or DELETE on the audit log); without it, the
service's own URL migrates.
"""

from __future__ import annotations

from service.db import Session, make_engine, migrate, sessionmaker
from service.db.grants import service_role_grants
from service.errors import InvalidInputError
from service.pipeline.audit_seal import load_seal, sealed_sessions
from service.settings import Settings


def migrate_database(settings: Settings) -> None:
    """Bring the schema up to date with ``db.migration_url`` (else the service's URL)."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    engine = make_engine(settings.migration_database_url)
    try:
        migrate(engine)
    finally:
        engine.dispose()


def open_database(settings: Settings) -> sessionmaker[Session]:
    """Migrate, load the audit key (created on first start) and connect."""
    seal = load_seal(settings)
    migrate_database(settings)
    return sealed_sessions(make_engine(settings.database_url, settings.db), seal)


def service_role_sql(role: str, schema: str = "public") -> list[str]:
    """The PostgreSQL grants that give the service's role least privilege (run as owner)."""
    try:
        return service_role_grants(role, schema)
    except ValueError as error:
        raise InvalidInputError(str(error)) from None
