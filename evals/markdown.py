"""Markdown output for the eval reports."""

from __future__ import annotations

from collections.abc import Sequence


def table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """A Markdown table; numbers right-aligned."""
    numeric = [bool(rows) and all(isinstance(r[i], int | float) for r in rows)
               for i in range(len(headers))]
    rule = ["---:" if n else "---" for n in numeric]
    lines = [headers, rule, *[[cell(v) for v in row] for row in rows]]
    return "\n".join("| " + " | ".join(str(c) for c in line) + " |" for line in lines)


def cell(value: object) -> str:
    """A value as a table cell: floats to two places, None as n/a, pipes escaped."""
    if value is None:
        return "n/a"
    if isinstance(value, float):
        return f"{value:.2f}"
    return str(value).replace("|", "\\|").replace("\n", " ")


def pct(part: int, whole: int) -> str:
    """'3/4 (75%)', or 'n/a' for an empty whole."""
    return f"{part}/{whole} ({100 * part / whole:.0f}%)" if whole else "n/a"


def section(title: str, *blocks: str) -> str:
    """A titled report section: a heading, then blocks separated by blank lines."""
    return "\n\n".join([f"## {title}", *[b for b in blocks if b]])
