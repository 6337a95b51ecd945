"""The scope statement of an assessment: optional free text, set at the start, editable."""

from __future__ import annotations

from service.errors import InvalidInputError

SCOPE_MAX_CHARS = 4000


def scope_statement(text: str | None) -> str | None:
    """The statement as stored: trimmed, None when empty; InvalidInputError when too long."""
    if text is None:
        return None
    cleaned = text.replace("\r\n", "\n").strip()
    if len(cleaned) > SCOPE_MAX_CHARS:
        raise InvalidInputError(
            f"the scope statement has {len(cleaned)} characters; at most {SCOPE_MAX_CHARS}")
    return cleaned or None
