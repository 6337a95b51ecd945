"""Signed session cookies: round trip, forgery, expiry, the key file, safe redirects."""

from __future__ import annotations

import stat
import threading
from pathlib import Path

import pytest
from itsdangerous import URLSafeTimedSerializer

from service.keyfile import KeyFileError, ensure_key
from service.web.routes.auth import safe_next
from service.web.session import SALT, SessionSigner, WebSession, load_key, same_token


def test_a_session_round_trips_until_it_expires(tmp_path: Path) -> None:
    key = load_key(tmp_path)
    session = WebSession.start("rita", generation=3)
    assert SessionSigner(key).decode(SessionSigner(key).encode(session)) == session
    expired = SessionSigner(key, max_age=-1)
    assert expired.decode(expired.encode(session)) is None


def test_a_forged_or_foreign_cookie_is_refused(tmp_path: Path) -> None:
    signer = SessionSigner(load_key(tmp_path / "a"))
    cookie = signer.encode(WebSession.start("vera", generation=0))
    payload, _, signature = cookie.rpartition(".")
    admin = signer.encode(WebSession.start("admin", generation=0)).rpartition(".")[0]
    assert signer.decode(f"{admin}.{signature}") is None
    assert SessionSigner(load_key(tmp_path / "b")).decode(cookie) is None
    for broken in ("", "no-dot", f"{cookie}.x", f"{payload[:-2]}.{signature}", "é" * 10,
                   "a" * 5000):
        assert signer.decode(broken) is None


def test_a_cookie_signed_with_an_empty_key_is_refused(tmp_path: Path) -> None:
    signer = SessionSigner(load_key(tmp_path))
    forged = URLSafeTimedSerializer(b"", salt=SALT).dumps({"u": "admin", "c": "x", "g": 0})
    assert signer.decode(forged) is None
    with pytest.raises(ValueError, match="32 bytes"):
        SessionSigner(b"")


def test_the_key_is_generated_once_and_private(tmp_path: Path) -> None:
    first = load_key(tmp_path)
    assert load_key(tmp_path) == first and len(first) == 32
    mode = stat.S_IMODE((tmp_path / "web_session.key").stat().st_mode)
    assert mode == 0o600


def test_concurrent_first_reads_agree_on_one_full_key(tmp_path: Path) -> None:
    keys: list[bytes] = []

    def read() -> None:
        keys.append(ensure_key(tmp_path / "race.key"))

    threads = [threading.Thread(target=read) for _ in range(40)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(keys) == 40 and len(set(keys)) == 1 and len(keys[0]) == 32


@pytest.mark.parametrize("content", ["", "abcd", "zz" * 32, "00" * 31])
def test_a_key_file_of_the_wrong_size_or_shape_is_refused(tmp_path: Path, content: str) -> None:
    path = tmp_path / "web_session.key"
    path.write_text(content, encoding="ascii")
    with pytest.raises(KeyFileError, match=r"web_session\.key"):
        load_key(tmp_path)


def test_csrf_tokens_differ_per_session_and_compare_exactly() -> None:
    one, two = WebSession.start("a", 0), WebSession.start("a", 0)
    assert one.csrf != two.csrf
    assert same_token(one.csrf, one.csrf)
    assert not same_token(one.csrf, two.csrf)
    assert not same_token(one.csrf, None)
    assert not same_token(one.csrf, "")
    assert not same_token(one.csrf, "é")


def test_only_local_paths_are_followed_after_sign_in() -> None:
    assert safe_next("/w/qa/documents") == "/w/qa/documents"
    for outside in ("https://evil.example/", "//evil.example/x", "/\\evil", "", None, "w/qa"):
        assert safe_next(outside) == "/w"
