"""Workspace slugs: the names used for workspaces in the CLI, the API and the UI."""

from __future__ import annotations

import re

from service.errors import InvalidInputError

SLUG = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")


def validate_slug(slug: str) -> str:
    """Return the slug if it is lower-case letters, digits and inner hyphens (1-63 chars)."""
    if not SLUG.match(slug):
        raise InvalidInputError(
            f"invalid workspace name '{slug}': use 1-63 lower-case letters, digits and "
            "hyphens, starting and ending with a letter or digit"
        )
    return slug
