"""Page rendering: the Jinja2 environment, its filters, and the words shown for states."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

TEMPLATES = Path(__file__).parent / "templates"
templates = Jinja2Templates(directory=TEMPLATES)

STATE_LABELS = {
    "pending": "pending",
    "accepted": "accepted",
    "overridden": "overridden",
    "na": "N/A",
    "changed_since_review": "changed since review",
    "flagged": "flagged",
    "proposed": "proposed",
}
FACET_LABELS = {"met": "met", "partial": "partly met", "not_met": "not met"}
ACTION_LABELS = {"accept": "accepted", "override": "overridden", "na": "not applicable"}


def when(moment: datetime | str | None) -> str:
    """A time as ``YYYY-MM-DD HH:MM UTC``; an empty string for None."""
    if moment is None:
        return ""
    value = datetime.fromisoformat(moment) if isinstance(moment, str) else moment
    aware = value if value.tzinfo else value.replace(tzinfo=UTC)
    return aware.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def level_text(level: int | None) -> str:
    """A level for display: the number, or N/A for not applicable."""
    return "N/A" if level is None else str(level)


def size_text(size: int) -> str:
    """A file size in the unit that reads best: bytes, KB or MB."""
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size / 1024 / 1024:.1f} MB"


def short_id(identifier: str) -> str:
    """The first eight characters of an id, enough to tell assessments apart."""
    return identifier[:8]


templates.env.filters.update(
    when=when,
    level=level_text,
    short_id=short_id,
    size=size_text,
    state=lambda value: STATE_LABELS.get(str(value), str(value)),
    facet=lambda value: FACET_LABELS.get(str(value), str(value)),
    action=lambda value: ACTION_LABELS.get(str(value), str(value)),
    percent=lambda share: f"{round(float(share) * 100)}%",
)


def page(
    request: Request, name: str, context: dict[str, Any], status_code: int = 200
) -> HTMLResponse:
    """Render a template with the request in its context."""
    return templates.TemplateResponse(request, name, context, status_code=status_code)
