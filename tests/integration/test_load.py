"""50 concurrent users for 20 s against a real `assay serve`: no request may fail.

A guard against deadlocks and pool exhaustion, not a speed test: the figures are printed,
never asserted. The driver is `bench/load.py`, which runs the same mix for longer.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from sqlalchemy import create_engine
from sqlalchemy.exc import OperationalError

from bench.load import POSTGRES_SERVER, run_load

pytestmark = pytest.mark.integration
USERS = 50
SECONDS = 20.0


def skip_without_postgres() -> None:
    engine = create_engine(POSTGRES_SERVER)
    try:
        engine.connect().close()
    except OperationalError as error:
        pytest.skip(f"PostgreSQL is not reachable on 127.0.0.1:5432: {error.orig}")
    finally:
        engine.dispose()


@pytest.mark.parametrize("db", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def test_fifty_users_for_twenty_seconds_get_no_errors(db: str, tmp_path: Path) -> None:
    if db == "postgresql":
        skip_without_postgres()
    # a thread of its own: an event loop left by an earlier test (Playwright's) in this one
    # would make asyncio.run refuse to start
    with ThreadPoolExecutor(max_workers=1) as pool:
        result = pool.submit(run_load, db, USERS, SECONDS, tmp_path).result()
    print(f"\n{db}:\n{result.summary()}")
    assert not result.errors, "\n".join(result.errors[:10])
    assert result.requests > USERS, "the users sent hardly any requests"
    assert {"api review", "api upload", "web dashboard", "api report"} <= result.endpoints.keys()
