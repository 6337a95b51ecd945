"""Signed session cookies for the web UI: who is signed in, their CSRF token, and until when.

A cookie value is ``<base64url JSON payload>.<base64url HMAC-SHA256 of the payload>``. The
key is generated once into the data dir (``web_session.key``, readable by its owner only),
so sessions survive a restart and every process serving that data dir shares it. The
payload holds no token: the user is looked up again on every request, so a removed user or
a changed role takes effect at once.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import os
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

KEY_FILE = "web_session.key"
SESSION_COOKIE = "assay_session"
LOGIN_CSRF_COOKIE = "assay_login_csrf"
SESSION_SECONDS = 8 * 3600
KEY_BYTES = 32


@dataclass(frozen=True)
class WebSession:
    """A signed-in user's session: the user's name, the CSRF token of their forms, expiry."""

    user: str
    csrf: str
    expires: int

    @classmethod
    def start(cls, user: str, now: float | None = None) -> WebSession:
        """A fresh session for ``user`` with a new CSRF token."""
        issued = int(time.time() if now is None else now)
        return cls(user=user, csrf=new_csrf_token(), expires=issued + SESSION_SECONDS)


def new_csrf_token() -> str:
    """A random, URL-safe CSRF token."""
    return secrets.token_urlsafe(24)


def load_key(data_dir: Path) -> bytes:
    """The signing key of this data dir, generated on first use."""
    path = data_dir / KEY_FILE
    if not path.is_file():
        data_dir.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            handle.write(secrets.token_hex(KEY_BYTES))
    return bytes.fromhex(path.read_text(encoding="ascii").strip())


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _signature(key: bytes, payload: str) -> str:
    return _b64(hmac.new(key, payload.encode("ascii"), hashlib.sha256).digest())


def encode_session(key: bytes, session: WebSession) -> str:
    """The cookie value for a session."""
    body = json.dumps({"u": session.user, "c": session.csrf, "e": session.expires},
                      separators=(",", ":"))
    payload = _b64(body.encode("utf-8"))
    return f"{payload}.{_signature(key, payload)}"


def decode_session(key: bytes, value: str | None, now: float | None = None) -> WebSession | None:
    """The session a cookie holds, or None if it is missing, forged, malformed or expired."""
    if not value or value.count(".") != 1:
        return None
    payload, signature = value.split(".")
    if not hmac.compare_digest(signature, _signature(key, payload)):
        return None
    try:
        data = json.loads(_unb64(payload))
        session = WebSession(user=str(data["u"]), csrf=str(data["c"]), expires=int(data["e"]))
    except (ValueError, KeyError, TypeError, binascii.Error):
        return None
    current = time.time() if now is None else now
    return session if session.expires > current else None


def same_token(expected: str, given: str | None) -> bool:
    """Whether a submitted CSRF token matches, compared in constant time."""
    return bool(given) and hmac.compare_digest(expected.encode(), (given or "").encode())
