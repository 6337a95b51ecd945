"""Users, tokens, workspaces, memberships and the audit log (admin)."""

from __future__ import annotations

from pydantic import BaseModel, Field

from service.api.schemas.common import UtcDatetime
from service.domain.access import Role
from service.domain.audit import AuditEvent, AuditProblem


class UserCreate(BaseModel):
    """A new user; ``is_admin`` users may do everything."""

    name: str = Field(min_length=1, max_length=100)
    is_admin: bool = False


class UserPublic(BaseModel):
    """A user."""

    id: int
    name: str
    is_admin: bool
    created_at: UtcDatetime


class TokenPublic(BaseModel):
    """A new API token: ``token`` is shown in this response only; only its hash is stored."""

    id: int
    user: str
    token: str
    prefix: str
    created_at: UtcDatetime


class WorkspaceCreate(BaseModel):
    """A new workspace, named by its slug."""

    slug: str = Field(min_length=1, max_length=63, examples=["qa"])
    name: str | None = Field(default=None, max_length=200)


class WorkspacePublic(BaseModel):
    """A workspace."""

    slug: str
    name: str
    created_at: UtcDatetime


class WorkspaceList(BaseModel):
    """The workspaces the current user may open (every one for an admin)."""

    workspaces: list[str]


class MembershipCreate(BaseModel):
    """The role to grant."""

    role: Role


class MembershipPublic(BaseModel):
    """A user's role in a workspace."""

    workspace: str
    user: str
    role: Role


class MePublic(BaseModel):
    """The current user and their roles."""

    user: UserPublic
    memberships: list[MembershipPublic]


class AuditEventPublic(AuditEvent):
    """One event: who did what to which target, when (UTC), before and after, and why."""

    at: UtcDatetime


class AuditList(BaseModel):
    """Audit events in order."""

    events: list[AuditEventPublic]


class AnchorPublic(BaseModel):
    """The signed checkpoint the chain was checked against."""

    seq: int
    at: UtcDatetime


class VerificationPublic(BaseModel):
    """The result of checking the keyed chain and the newest anchor; ``problem`` names it."""

    ok: bool
    events: int
    first_broken: int | None
    problem: AuditProblem | None
    detail: str | None = None
    keyed_from: int | None = None
    anchor: AnchorPublic | None = None
