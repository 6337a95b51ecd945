"""The web UI under a TestClient: a fixture with users of each role, and signing in.

tests/conftest.py loads it as a plugin; test modules import ``sign_in``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from service.app import create_app
from service.components.embedding import FakeEmbedder
from service.pipeline.members import add_member
from service.pipeline.storage import open_database
from service.pipeline.users import create_token, create_user, create_workspace
from service.settings import Settings

ROLES = {"admin": None, "vera": "viewer", "axel": "assessor"}


@pytest.fixture
def web(tmp_path: Path) -> Iterator[tuple[TestClient, dict[str, str]]]:
    settings = Settings(data_dir=tmp_path / "data")
    settings.data_dir.mkdir()
    tokens = {}
    with open_database(settings)() as session:
        create_workspace(session, "qa", actor="test")
        create_workspace(session, "other", actor="test")
        for name, role in ROLES.items():
            create_user(session, name, is_admin=role is None, actor="test")
            if role:
                add_member(session, "qa", name, role, actor="test")
            tokens[name] = create_token(session, name, actor="test").token
    with TestClient(create_app(settings, embedder=FakeEmbedder())) as client:
        yield client, tokens


def sign_in(client: TestClient, token: str) -> str:
    """Sign in through the form; returns the CSRF token of the session's pages."""
    form = client.get("/login")
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', form.text)
    assert csrf is not None
    done = client.post("/login", data={"token": token, "csrf_token": csrf.group(1)},
                       follow_redirects=False)
    assert (done.status_code, done.headers["location"]) == (303, "/w")
    page = client.get("/w")
    found = re.search(r'data-csrf="([^"]+)"', page.text)
    assert found is not None
    return found.group(1)


