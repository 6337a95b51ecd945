"""The session attacks of the security review, each shown refused.

- a fresh server's key race: a cookie signed with an empty key after a burst of requests;
- a cookie kept after sign-out, after its user's token is revoked, after a role change;
- malformed cookies (non-ASCII, oversized) answer a redirect to sign-in, never a 500.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from fastapi.testclient import TestClient
from itsdangerous import URLSafeTimedSerializer

from service.app import create_app
from service.components.embedding import FakeEmbedder
from service.pipeline.members import add_member
from service.pipeline.storage import open_database
from service.pipeline.users import create_token, create_user, revoke_token
from service.settings import Settings
from service.web.session import KEY_FILE, SALT, SESSION_COOKIE
from tests.web_helpers import sign_in

Web = tuple[TestClient, dict[str, str]]


def _old_format_cookie(key: bytes, user: str) -> str:
    """The hand-written signer's format: base64url(JSON).base64url(HMAC-SHA256)."""
    def b64(raw: bytes) -> str:
        return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")

    payload = b64(json.dumps({"u": user, "c": "x", "e": int(time.time()) + 3600}).encode())
    return f"{payload}.{b64(hmac.new(key, payload.encode(), hashlib.sha256).digest())}"


def _opens_audit_log(client: TestClient, cookie: str) -> bool:
    client.cookies.clear()
    client.cookies.set(SESSION_COOKIE, cookie)
    return client.get("/audit-log", follow_redirects=False).status_code == 200


def test_a_fresh_server_has_its_key_before_serving_and_refuses_empty_key_cookies(
    tmp_path: Path,
) -> None:
    settings = Settings(data_dir=tmp_path / "data")
    with open_database(settings)() as session:
        create_user(session, "admin", is_admin=True, actor="test")
    app = create_app(settings, embedder=FakeEmbedder())
    key_file = settings.data_dir / KEY_FILE
    assert len(bytes.fromhex(key_file.read_text())) == 32  # written before any request
    with TestClient(app) as client:
        with ThreadPoolExecutor(max_workers=40) as pool:
            codes = list(pool.map(lambda _: client.get("/", follow_redirects=False).status_code,
                                  range(40)))
        assert set(codes) == {303}
        forged = [
            _old_format_cookie(b"", "admin"),
            URLSafeTimedSerializer(b"", salt=SALT).dumps({"u": "admin", "c": "x", "g": 0}),
            URLSafeTimedSerializer(b"\0" * 32, salt=SALT).dumps({"u": "admin", "c": "x", "g": 0}),
        ]
        assert not any(_opens_audit_log(client, cookie) for cookie in forged)


def test_signing_out_ends_the_cookie(web: Web) -> None:
    client, tokens = web
    csrf = sign_in(client, tokens["admin"])
    kept = client.cookies[SESSION_COOKIE]
    assert _opens_audit_log(client, kept)
    client.cookies.set(SESSION_COOKIE, kept)
    out = client.post("/logout", headers={"x-csrf-token": csrf}, follow_redirects=False)
    assert out.status_code == 303
    assert not _opens_audit_log(client, kept)


def test_revoking_the_token_or_changing_the_role_ends_the_cookie(web: Web, tmp_path: Path
                                                                 ) -> None:
    client, tokens = web
    sessions = open_database(Settings(data_dir=tmp_path / "data"))
    sign_in(client, tokens["admin"])
    kept = client.cookies[SESSION_COOKIE]
    with sessions() as session:
        revoke_token(session, "admin", 1, actor="test")  # admin's token, the first made
    assert not _opens_audit_log(client, kept)

    with sessions() as session:
        fresh = create_token(session, "vera", actor="test").token
    client.cookies.clear()
    sign_in(client, fresh)
    vera = client.cookies[SESSION_COOKIE]
    assert client.get("/w/qa/documents", follow_redirects=False).status_code == 200
    with sessions() as session:
        add_member(session, "qa", "vera", "reviewer", actor="test")
    client.cookies.clear()
    client.cookies.set(SESSION_COOKIE, vera)
    assert client.get("/w/qa/documents", follow_redirects=False).status_code == 303


def test_malformed_cookies_are_a_sign_in_not_a_500(web: Web) -> None:
    client, _ = web
    for value in ("\u00e9t\u00e9".encode(), b"x" * 5000, b"a.b.c", b"%%%"):
        client.cookies.clear()
        for path in ("/", "/w", "/audit-log"):
            answer = client.get(path, headers={b"cookie": SESSION_COOKIE.encode() + b"=" + value},
                                follow_redirects=False)
            assert answer.status_code == 303, (path, value)
