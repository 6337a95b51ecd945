"""The connection pool: one connection per request, and a 503 (not a hang) when it is full."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from sqlalchemy import Engine, select

from service.api.deps import ContextDep
from service.components.embedding import FakeEmbedder
from service.db import Session, UnitOfWork, UserRow, sessionmaker
from service.settings import Settings
from tests.api_helpers import Api

pytest_plugins = ["tests.databases"]
pytestmark = pytest.mark.integration


def engine_of(sessions: sessionmaker[Session]) -> Engine:
    engine: Engine = sessions.kw["bind"]
    return engine


def test_nested_blocks_of_a_unit_of_work_share_one_connection(
    sessions: sessionmaker[Session],
) -> None:
    work = UnitOfWork(sessions)
    pool = engine_of(sessions).pool
    with work() as outer:
        outer.scalars(select(UserRow)).all()
        with work() as inner:
            inner.scalars(select(UserRow)).all()
            assert inner is outer
            assert pool.checkedout() == 1  # type: ignore[attr-defined]
        assert pool.checkedout() == 1, "an inner block must not end the outer one"  # type: ignore[attr-defined]
    assert pool.checkedout() == 0, "the outermost block gives the connection back"  # type: ignore[attr-defined]


def test_settings_refuse_a_pool_smaller_than_the_threads() -> None:
    with pytest.raises(ValueError, match="ASSAY_DB__MAX_OVERFLOW"):
        Settings(db={"pool_size": 5, "max_overflow": 10}, api={"threads": 40})


@pytest.fixture
def tiny(tmp_path: Path) -> Iterator[Api]:
    """A server whose pool holds two connections and waits a tenth of a second for one."""
    settings = Settings(data_dir=tmp_path / "data", llm={"mode": "fake"},
                        db={"pool_size": 1, "max_overflow": 1, "pool_timeout": 0.1},
                        api={"threads": 1}, jobs={"workers": 1})
    with Api(settings, FakeEmbedder()) as api:
        yield api


def sign_in(api: Api) -> None:
    form = api.client.get("/login")
    found = re.search(r'name="csrf_token" value="([^"]+)"', form.text)
    assert found is not None
    signed = api.client.post("/login", data={"token": api.admin, "csrf_token": found.group(1)},
                             follow_redirects=False)
    assert signed.status_code == 303, signed.text


def test_a_full_pool_answers_503_with_retry_after_in_the_api_and_the_pages(tiny: Api) -> None:
    sign_in(tiny)
    engine = engine_of(tiny.services.context.sessions)
    held = [engine.connect(), engine.connect()]
    try:
        api = tiny.call("GET", "/me")
        page = tiny.client.get("/w")
    finally:
        for connection in held:
            connection.close()
    assert api.status_code == 503, api.text
    assert api.headers["Retry-After"].isdigit()
    assert api.json()["error"]["code"] == "busy"
    assert page.status_code == 503, page.text
    assert page.headers["Retry-After"].isdigit()
    assert "busy" in page.text
    assert tiny.call("GET", "/me").status_code == 200, "the service recovers at once"
    assert tiny.client.get("/w").status_code == 200


def test_a_routes_own_query_on_a_full_pool_is_a_503_too(tiny: Api) -> None:
    app = tiny.client.app
    assert isinstance(app, FastAPI)

    @app.get("/test-direct-session")
    def direct(context: ContextDep) -> int:  # a route's own block of database work
        with context.sessions() as session:
            return len(session.scalars(select(UserRow)).all())

    engine = engine_of(tiny.services.context.sessions)
    held = [engine.connect(), engine.connect()]
    try:
        busy = tiny.client.get("/test-direct-session")
    finally:
        for connection in held:
            connection.close()
    assert busy.status_code == 503, busy.text
    assert busy.headers["Retry-After"].isdigit()
    assert busy.json()["error"]["code"] == "busy"
    assert tiny.client.get("/test-direct-session").json() == 1
