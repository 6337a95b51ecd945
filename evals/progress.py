"""Progress reporting for long eval runs: the CLI shows a bar on stderr, tests show nothing."""

from __future__ import annotations

from typing import Protocol


class Progress(Protocol):
    """A task with a known number of steps, advanced as they finish."""

    def start(self, description: str, total: int) -> None:
        """Begin a new task of ``total`` steps."""
        ...

    def advance(self, detail: str = "") -> None:
        """One step of the current task is done."""
        ...


class Silent:
    """Progress that shows nothing."""

    def start(self, description: str, total: int) -> None:
        """Nothing to show."""

    def advance(self, detail: str = "") -> None:
        """Nothing to show."""
