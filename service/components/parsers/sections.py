"""Collect text under a stack of headings into passages."""

from __future__ import annotations

from service.domain.evidence import Passage


class SectionCollector:
    """Builds one passage per heading section, in document order."""

    def __init__(self) -> None:
        self._stack: list[tuple[int, str]] = []
        self._lines: list[str] = []
        self._passages: list[Passage] = []

    def open_heading(self, level: int, title: str) -> None:
        """Close the current section and start one under ``title`` at ``level``."""
        self._flush()
        while self._stack and self._stack[-1][0] >= level:
            self._stack.pop()
        self._stack.append((level, title))

    def add_text(self, text: str) -> None:
        """Add a block of body text to the current section."""
        if text.strip():
            self._lines.append(text.strip())

    def passages(self) -> tuple[Passage, ...]:
        """All sections collected so far."""
        self._flush()
        return tuple(self._passages)

    def _flush(self) -> None:
        if self._lines:
            headings = tuple(title for _, title in self._stack)
            self._passages.append(Passage(text="\n".join(self._lines), headings=headings))
            self._lines = []
