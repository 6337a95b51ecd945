"""Engines with their connection pools, session factories and migrations."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from service.db.sessions import BlockSession
from service.errors import ConfigurationError
from service.settings import DBSettings

MIGRATIONS = Path(__file__).parent / "migrations"
SQLITE_BUSY_TIMEOUT = 30  # seconds a SQLite writer waits for the file's write lock
INSUFFICIENT_PRIVILEGE = "42501"


def make_engine(url: str, pool: DBSettings | None = None) -> Engine:
    """Create an engine with its pool sized by ``pool`` (the settings' defaults if None).

    SQLite gets foreign keys, WAL and a busy timeout. A request that finds every connection
    in use waits ``pool.pool_timeout`` seconds, then fails as busy (503), never 30 s.
    """
    limits = pool or DBSettings()
    sizing = {"pool_size": limits.pool_size, "max_overflow": limits.max_overflow,
              "pool_timeout": limits.pool_timeout}
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT}, **sizing)

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record):  # type: ignore[no-untyped-def]
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.close()

        return engine
    return create_engine(url, pool_pre_ping=True, **sizing)


def migrate(engine: Engine) -> None:
    """Bring the database schema up to the newest migration.

    ConfigurationError if the role may not change the schema (a least-privilege role).
    """
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    try:
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
    except DBAPIError as error:
        if getattr(error.orig, "sqlstate", None) != INSUFFICIENT_PRIVILEGE:
            raise
        raise ConfigurationError(
            "the database role may not change the schema: run `assay db migrate` with "
            "ASSAY_DB__MIGRATION_URL set to the role that owns the tables"
        ) from None


def session_factory(
    engine: Engine,
    info: dict[str, Any] | None = None,
    after_commit: Callable[[Session], None] | None = None,
    after_rollback: Callable[[Session], None] | None = None,
) -> sessionmaker[Session]:
    """A factory of block sessions that keep loaded objects usable after commit.

    Every session starts with a copy of ``info``; ``after_commit`` runs once a transaction
    is committed, ``after_rollback`` once one (or a savepoint) is rolled back.
    """
    factory: sessionmaker[Session] = sessionmaker(
        engine, class_=BlockSession, expire_on_commit=False, info=info)
    if after_commit is not None:
        event.listen(factory, "after_commit", after_commit)
    if after_rollback is not None:
        event.listen(factory, "after_soft_rollback",
                     lambda session, _transaction: after_rollback(session))
    return factory
