"""The serve lock: while `assay serve` runs on a data dir, other processes must not write it.

Chroma's embedded client belongs to one process. `assay serve` holds an exclusive
``flock`` on ``<data dir>/.serve.lock`` (and writes its pid there) for as long as it runs;
the CLI's write commands call ``refuse_if_served`` first. In Chroma server mode
(``vectorstore.mode=http``) several processes may share the data, so nothing is locked.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from service.errors import ConflictError
from service.settings import Settings

LOCK_FILE = ".serve.lock"


def lock_path(data_dir: Path) -> Path:
    """Where the serve lock of a data dir lives."""
    return data_dir / LOCK_FILE


def _holder(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8").strip() or "unknown"
    except OSError:
        return "unknown"


def _locked_by_another(path: Path) -> bool:
    if not path.exists():
        return False
    with path.open("a", encoding="utf-8") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(handle, fcntl.LOCK_UN)
    return False


def refuse_if_served(settings: Settings) -> None:
    """Raise ConflictError if `assay serve` holds this data dir (not in Chroma server mode)."""
    if settings.vectorstore.mode == "http":
        return
    path = lock_path(settings.data_dir)
    if _locked_by_another(path):
        raise ConflictError(
            f"the data dir is in use by `assay serve` (pid {_holder(path)}): use the API, "
            "another data dir, or Chroma server mode (ASSAY_VECTORSTORE__MODE=http)"
        )


@contextmanager
def serve_lock(settings: Settings) -> Iterator[None]:
    """Hold the data dir's serve lock; ConflictError if another process holds it."""
    if settings.vectorstore.mode == "http":
        yield
        return
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    path = lock_path(settings.data_dir)
    with path.open("a+", encoding="utf-8") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise ConflictError(
                f"the data dir {settings.data_dir} is already served by `assay serve` "
                f"(pid {_holder(path)})"
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
