"""The sign-off page: signatures shown, the token re-entered to sign, re-opening, the lock."""

from __future__ import annotations

import html
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from service.app import create_app
from service.components.embedding import FakeEmbedder
from service.pipeline.members import add_member
from service.pipeline.storage import open_database
from service.pipeline.users import create_token, create_user
from service.settings import Settings
from tests.assessments import store_assessment
from tests.web_helpers import sign_in


@pytest.fixture
def web(tmp_path: Path) -> Iterator[tuple[TestClient, dict[str, str], str]]:
    settings = Settings(data_dir=tmp_path / "data")
    sessions = open_database(settings)
    assessment = store_assessment(sessions, {"A.5.15": 2, "A.5.16": 3})
    tokens = {}
    with sessions() as session:
        for name, role in (("rita", "reviewer"), ("vera", "viewer")):
            create_user(session, name, actor="test")
            add_member(session, "qa", name, role, actor="test")
            tokens[name] = create_token(session, name, actor="test").token
    with TestClient(create_app(settings, embedder=FakeEmbedder())) as client:
        yield client, tokens, f"/w/qa/assessments/{assessment}"


def test_a_reviewer_signs_with_their_token_and_reopens(
    web: tuple[TestClient, dict[str, str], str],
) -> None:
    client, tokens, base = web
    csrf = sign_in(client, tokens["rita"])
    page = client.get(f"{base}/signoff")
    assert page.status_code == 200 and "Not signed yet." in page.text
    assert 'name="token" type="password"' in page.text
    wrong = client.post(f"{base}/signoff", data={
        "csrf_token": csrf, "meaning": "approved", "token": tokens["vera"]})
    assert wrong.status_code == 403 and "re-entered API token" in html.unescape(wrong.text)
    signed = client.post(f"{base}/signoff", data={
        "csrf_token": csrf, "meaning": "approved", "token": tokens["rita"]})
    assert signed.status_code == 200 and "Signed." in signed.text
    assert "approved by <strong>rita</strong>" in signed.text
    table = client.get(base)
    assert 'id="signed-note"' in table.text and "Reviews are locked" in table.text
    assert 'value="accept"' not in table.text
    locked = client.post(f"{base}/review/A.5.15", data={"csrf_token": csrf, "action": "accept"})
    assert locked.status_code == 409 and "re-open it first" in html.unescape(locked.text)
    reopened = client.post(f"{base}/reopen", data={"csrf_token": csrf, "comment": "new logs"})
    assert reopened.status_code == 200 and "Re-opened" in reopened.text
    assert "voided by rita" in reopened.text and "new logs" in reopened.text
    assert client.post(f"{base}/review/A.5.15", data={
        "csrf_token": csrf, "action": "accept"}, follow_redirects=False).status_code == 303


def test_a_viewer_sees_signatures_but_cannot_sign(
    web: tuple[TestClient, dict[str, str], str],
) -> None:
    client, tokens, base = web
    csrf = sign_in(client, tokens["vera"])
    page = client.get(f"{base}/signoff")
    assert page.status_code == 200 and "needs the reviewer role" in page.text
    refused = client.post(f"{base}/signoff", data={
        "csrf_token": csrf, "meaning": "approved", "token": tokens["vera"]})
    assert refused.status_code == 403
