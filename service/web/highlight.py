"""Mark quoted sentences inside the passage they were quoted from."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Segment:
    """A stretch of a passage, marked when it belongs to a quote."""

    text: str
    marked: bool


def _pattern(quote: str) -> re.Pattern[str] | None:
    words = quote.split()
    if not words:
        return None
    return re.compile(r"\s+".join(re.escape(word) for word in words), re.IGNORECASE)


def quote_spans(text: str, quotes: Iterable[str]) -> list[tuple[int, int]]:
    """Where each quote occurs in ``text`` (whitespace and case aside), merged and sorted."""
    spans: list[tuple[int, int]] = []
    for quote in quotes:
        pattern = _pattern(quote)
        if pattern is None:
            continue
        spans += [(found.start(), found.end()) for found in pattern.finditer(text)]
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def highlight(text: str, quotes: Iterable[str]) -> list[Segment]:
    """The passage cut into plain and marked segments, in order; nothing is lost."""
    segments: list[Segment] = []
    position = 0
    for start, end in quote_spans(text, quotes):
        if start > position:
            segments.append(Segment(text[position:start], marked=False))
        segments.append(Segment(text[start:end], marked=True))
        position = end
    if position < len(text):
        segments.append(Segment(text[position:], marked=False))
    return segments
