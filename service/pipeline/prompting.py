"""Prompt builders: pure functions that fence every piece of uploaded text as untrusted data."""

from __future__ import annotations

import re

from service.components.prompts import PromptTemplate

FENCE_TAG = re.compile(r"<\s*/?\s*evidence\b[^>]*>", re.IGNORECASE)


def fence(text: str) -> str:
    """Uploaded text with anything that could close or open an evidence fence defused."""
    return FENCE_TAG.sub("[tag removed]", text).strip()


def evidence_block(passage_id: str, text: str) -> str:
    """One passage inside its fence, labelled with its id."""
    return f'<evidence id="{passage_id}">\n{fence(text)}\n</evidence>'


def render(template: PromptTemplate, **fields: str) -> tuple[str, str]:
    """The system prompt and the user prompt with its fields filled in."""
    return template.system, template.user.format(**fields)
