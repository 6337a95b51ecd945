"""The serve lock: while `assay serve` runs on a data dir, no other process writes it.

Chroma's embedded client belongs to one process. `assay serve` holds an exclusive
``flock`` on ``<data dir>/.serve.lock`` (and writes its pid there) for as long as it runs.
The CLI's write commands take a shared lock on the same file (``hold_for_writing``) and
hold it until the command ends, so neither starts while the other runs: a check alone
would let `assay serve` start under an `assay ingest` or `assay assess` already writing
the embedded store, which the leases (database rows) cannot prevent. CLI writers share the
lock with each other: two of them coordinate through the database's leases, as API
processes do. In Chroma server mode (``vectorstore.mode=http``) several processes may
share the data, so nothing is locked.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

from service.errors import ConflictError
from service.settings import Settings

LOCK_FILE = ".serve.lock"
_writing: dict[Path, TextIO] = {}  # the shared locks this process holds, by lock file


def lock_path(data_dir: Path) -> Path:
    """Where the serve lock of a data dir lives."""
    return data_dir / LOCK_FILE


def _holder(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8").strip()
    except OSError:
        return ""


def hold_for_writing(settings: Settings) -> None:
    """Share the data dir's lock until ``release_writing``; ConflictError while it is served.

    Idempotent within a process. Nothing is locked in Chroma server mode.
    """
    if settings.vectorstore.mode == "http":
        return
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    path = lock_path(settings.data_dir)
    if path in _writing:
        return
    handle = path.open("a", encoding="utf-8")
    try:
        fcntl.flock(handle, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.close()
        raise ConflictError(
            f"the data dir is in use by `assay serve` (pid {_holder(path) or 'unknown'}): use "
            "the API, another data dir, or Chroma server mode (ASSAY_VECTORSTORE__MODE=http)"
        ) from None
    _writing[path] = handle


def release_writing() -> None:
    """Give back the shared locks ``hold_for_writing`` took (at the end of a command)."""
    while _writing:
        _path, handle = _writing.popitem()
        fcntl.flock(handle, fcntl.LOCK_UN)
        handle.close()


@contextmanager
def serve_lock(settings: Settings) -> Iterator[None]:
    """Hold the data dir's serve lock; ConflictError if another process holds or writes it."""
    if settings.vectorstore.mode == "http":
        yield
        return
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    path = lock_path(settings.data_dir)
    with path.open("a+", encoding="utf-8") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _holder(path)
            raise ConflictError(
                f"the data dir {settings.data_dir} is already served by `assay serve` "
                f"(pid {holder})" if holder else
                f"the data dir {settings.data_dir} is being written by a CLI command "
                "(assay ingest, assess, review ...): wait for it to finish"
            ) from None
        handle.truncate(0)
        handle.write(f"{os.getpid()}\n")
        handle.flush()
        try:
            yield
        finally:
            handle.truncate(0)
            handle.flush()
            fcntl.flock(handle, fcntl.LOCK_UN)
