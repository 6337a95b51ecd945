"""Signed session cookies for the web UI: who is signed in, their CSRF token, their generation.

Cookies are signed and time-stamped by itsdangerous (HMAC-SHA256) with the data dir's key,
``web_session.key``, which ``create_app`` creates before the app serves anything (see
``service.keyfile``), so sessions survive a restart and every process serving that data dir
shares it. The payload holds no token. The user is looked up again on every request, and the
session's ``generation`` must equal the user's current one: signing out, revoking a token or
changing the user's roles increments it, which ends every session the user had.
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from pathlib import Path

from itsdangerous import BadData, URLSafeTimedSerializer

from service.keyfile import ensure_key

KEY_FILE = "web_session.key"
SESSION_COOKIE = "assay_session"
LOGIN_CSRF_COOKIE = "assay_login_csrf"
SESSION_SECONDS = 8 * 3600
KEY_BYTES = 32
SALT = "assay.web-session.v2"
MAX_COOKIE_CHARS = 4096


@dataclass(frozen=True)
class WebSession:
    """A signed-in user's session: the user's name, their forms' CSRF token, the generation."""

    user: str
    csrf: str
    generation: int

    @classmethod
    def start(cls, user: str, generation: int) -> WebSession:
        """A fresh session for ``user`` at their current session generation."""
        return cls(user=user, csrf=new_csrf_token(), generation=generation)


def new_csrf_token() -> str:
    """A random, URL-safe CSRF token."""
    return secrets.token_urlsafe(24)


def load_key(data_dir: Path) -> bytes:
    """The signing key of this data dir, created atomically on first use."""
    return ensure_key(data_dir / KEY_FILE, KEY_BYTES)


class SessionSigner:
    """Signs and checks session cookies with one key."""

    def __init__(self, key: bytes, max_age: int = SESSION_SECONDS) -> None:
        if len(key) != KEY_BYTES:
            raise ValueError(f"a session key has {KEY_BYTES} bytes, not {len(key)}")
        self._serializer = URLSafeTimedSerializer(key, salt=SALT)
        self._max_age = max_age

    def encode(self, session: WebSession) -> str:
        """The cookie value for a session."""
        return self._serializer.dumps(
            {"u": session.user, "c": session.csrf, "g": session.generation}
        )

    def decode(self, value: str | None) -> WebSession | None:
        """The session a cookie holds, or None if it is missing, forged, malformed or expired."""
        if not value or len(value) > MAX_COOKIE_CHARS or not value.isascii():
            return None
        try:
            data = self._serializer.loads(value, max_age=self._max_age)
            return WebSession(user=str(data["u"]), csrf=str(data["c"]), generation=int(data["g"]))
        except (BadData, ValueError, KeyError, TypeError):
            return None


def same_token(expected: str, given: str | None) -> bool:
    """Whether a submitted CSRF token matches, compared in constant time."""
    if not given or not given.isascii() or not expected.isascii():
        return False
    return hmac.compare_digest(expected.encode(), given.encode())
