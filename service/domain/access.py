"""Users, their API tokens and their roles in workspaces."""

from __future__ import annotations

import re
from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from service.errors import InvalidInputError

USER_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@+-]{0,99}$")
TOKEN_PREFIX = "assay_"


class Role(StrEnum):
    """What a member may do in a workspace (see ``service.pipeline.users`` for the matrix)."""

    VIEWER = "viewer"
    REVIEWER = "reviewer"
    ASSESSOR = "assessor"


class User(BaseModel):
    """A user as the pipeline sees one: the name is also the actor in the audit log."""

    model_config = ConfigDict(frozen=True)

    id: int
    name: str
    is_admin: bool
    created_at: datetime
    session_generation: int = 0


class IssuedToken(BaseModel):
    """A new API token: ``token`` is shown once and never stored, only its hash."""

    model_config = ConfigDict(frozen=True)

    id: int
    user: str
    token: str
    prefix: str
    created_at: datetime


class WorkspaceInfo(BaseModel):
    """A workspace, named by its slug."""

    model_config = ConfigDict(frozen=True)

    slug: str
    name: str
    created_at: datetime


class Membership(BaseModel):
    """A user's role in a workspace."""

    model_config = ConfigDict(frozen=True)

    workspace: str
    user: str
    role: Role


def role_allows(held: Role, needed: Role) -> bool:
    """Whether a member's role covers the role an action needs: any role may read."""
    return needed == Role.VIEWER or held == needed


def validate_user_name(name: str) -> str:
    """Return the name if it is 1-100 letters, digits and ``._@+-``, starting alphanumeric."""
    if not USER_NAME.match(name):
        raise InvalidInputError(
            f"invalid user name {name!r}: use 1-100 letters, digits and . _ @ + -, "
            "starting with a letter or digit"
        )
    return name


def parse_role(value: str) -> Role:
    """The role a string names; InvalidInputError lists the roles."""
    try:
        return Role(value.strip().lower())
    except ValueError:
        roles = ", ".join(r.value for r in Role)
        raise InvalidInputError(f"unknown role {value!r}; use one of: {roles}") from None
