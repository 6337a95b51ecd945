"""Signed session cookies: round trip, forgery, expiry, the key file, safe redirects."""

from __future__ import annotations

import stat
from pathlib import Path

from service.web.routes.auth import safe_next
from service.web.session import (
    SESSION_SECONDS,
    WebSession,
    decode_session,
    encode_session,
    load_key,
    same_token,
)

NOW = 1_800_000_000.0


def test_a_session_round_trips_until_it_expires(tmp_path: Path) -> None:
    key = load_key(tmp_path)
    session = WebSession.start("rita", now=NOW)
    cookie = encode_session(key, session)
    assert decode_session(key, cookie, now=NOW + 60) == session
    assert decode_session(key, cookie, now=NOW + SESSION_SECONDS + 1) is None


def test_a_forged_or_foreign_cookie_is_refused(tmp_path: Path) -> None:
    key = load_key(tmp_path / "a")
    cookie = encode_session(key, WebSession.start("vera", now=NOW))
    payload, signature = cookie.split(".")
    admin = encode_session(key, WebSession.start("admin", now=NOW)).split(".")[0]
    assert decode_session(key, f"{admin}.{signature}", now=NOW) is None
    assert decode_session(load_key(tmp_path / "b"), cookie, now=NOW) is None
    for broken in ("", "no-dot", f"{payload}.{signature}.x", f"{payload[:-2]}.{signature}"):
        assert decode_session(key, broken, now=NOW) is None


def test_the_key_is_generated_once_and_private(tmp_path: Path) -> None:
    first = load_key(tmp_path)
    assert load_key(tmp_path) == first and len(first) == 32
    mode = stat.S_IMODE((tmp_path / "web_session.key").stat().st_mode)
    assert mode == 0o600


def test_csrf_tokens_differ_per_session_and_compare_exactly() -> None:
    one, two = WebSession.start("a"), WebSession.start("a")
    assert one.csrf != two.csrf
    assert same_token(one.csrf, one.csrf)
    assert not same_token(one.csrf, two.csrf)
    assert not same_token(one.csrf, None)
    assert not same_token(one.csrf, "")


def test_only_local_paths_are_followed_after_sign_in() -> None:
    assert safe_next("/w/qa/documents") == "/w/qa/documents"
    for outside in ("https://evil.example/", "//evil.example/x", "/\\evil", "", None, "w/qa"):
        assert safe_next(outside) == "/w"
