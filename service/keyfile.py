"""Secret keys kept in files of the data dir: created once, atomically, readable by the owner.

A key file is written to a temporary file (mode 0600) and renamed into place while an
exclusive ``flock`` on ``<name>.lock`` is held, so a concurrent reader never sees an empty or
half-written key and two processes starting together agree on one key. A key of the wrong
length is refused, never used: a truncated or edited key file stops the service with a
message that names it.
"""

from __future__ import annotations

import fcntl
import os
import secrets
import tempfile
from pathlib import Path

from service.errors import AssayError


class KeyFileError(AssayError):
    """A key file that exists but cannot be used: unreadable, or not a key of the right size."""

    status_code = 500


def _read(path: Path, size: int) -> bytes:
    text = path.read_text(encoding="ascii").strip()
    try:
        key = bytes.fromhex(text)
    except ValueError:
        raise KeyFileError(f"key file {path} does not hold a hex key") from None
    if len(key) != size:
        raise KeyFileError(
            f"key file {path} holds {len(key)} bytes, {size} expected: restore it from your "
            "backup, or remove it to start with a new key (existing sessions end)"
        )
    return key


def ensure_key(path: Path, size: int = 32) -> bytes:
    """The key in ``path``, created with ``size`` random bytes if the file does not exist."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.with_name(path.name + ".lock"), "a", encoding="ascii") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not path.exists():
            fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
            try:
                with os.fdopen(fd, "w", encoding="ascii") as handle:
                    handle.write(secrets.token_hex(size))
                    handle.flush()
                    os.fsync(handle.fileno())
                os.chmod(temporary, 0o600)
                os.replace(temporary, path)
            except BaseException:
                Path(temporary).unlink(missing_ok=True)
                raise
        return _read(path, size)
