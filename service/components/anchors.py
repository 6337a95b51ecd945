"""Where the audit chain's checkpoints go: an append-only file of JSON lines.

The store only keeps lines; signing and checking them is the pipeline's work. Appends take
an exclusive ``flock`` and are flushed to disk before the lock is released, so concurrent
processes never interleave half lines.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Protocol


class AnchorStore(Protocol):
    """An append-only place outside the database."""

    @property
    def location(self) -> str:
        """Where the anchors are, for messages."""
        ...

    def append(self, line: str) -> None:
        """Add one line (no newline inside) durably."""
        ...

    def lines(self) -> Iterator[str]:
        """Every line, oldest first; none if nothing was written yet."""
        ...


class FileAnchorStore:
    """Anchors in a local file (created 0600), one JSON object per line."""

    def __init__(self, path: Path) -> None:
        self.path = path

    @property
    def location(self) -> str:
        """The file's path."""
        return str(self.path)

    def append(self, line: str) -> None:
        """Append ``line`` under an exclusive lock and fsync it."""
        if "\n" in line:
            raise ValueError("an anchor line must not contain a newline")
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            os.write(fd, (line + "\n").encode("utf-8"))
            os.fsync(fd)
        finally:
            os.close(fd)

    def lines(self) -> Iterator[str]:
        """The file's non-empty lines, oldest first."""
        try:
            handle = self.path.open(encoding="utf-8")
        except FileNotFoundError:
            return
        with handle:
            for line in handle:
                if line.strip():
                    yield line.rstrip("\n")
