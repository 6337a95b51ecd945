"""Users, API tokens, workspaces and memberships, and the checks every request passes.

Role matrix (roles are granted per workspace; ``is_admin`` users may do everything):

| action                                                    | viewer | reviewer | assessor | admin |
|-----------------------------------------------------------|--------|----------|----------|-------|
| read documents, search, retrieve, assessments, reports    | yes    | yes      | yes      | yes   |
| review proposals (accept, override, not applicable)       |        | yes      |          | yes   |
| upload and delete documents, start and resume assessments |        |          | yes      | yes   |
| users, tokens, workspaces, memberships; the audit log     |        |          |          | yes   |

Reviewer and assessor are siblings above viewer: neither includes the other, so whoever
runs an assessment does not also approve it unless granted both by an admin. A user who is
not a member of a workspace is told that it does not exist (NotFoundError), so workspace
names do not leak; a member whose role falls short gets ForbiddenError.
"""

from __future__ import annotations

import hashlib
import secrets

from service.db import ApiTokenRow, Session, UserRow, WorkspaceRow
from service.db.tables import utcnow
from service.db.users import any_user, find_membership, find_token, find_user, user_of_token
from service.db.workspaces import get_workspace
from service.domain.access import (
    TOKEN_PREFIX,
    IssuedToken,
    Role,
    User,
    WorkspaceInfo,
    role_allows,
    validate_user_name,
)
from service.domain.workspace import validate_slug
from service.errors import ConflictError, ForbiddenError, NotFoundError
from service.pipeline.audit import record, workspace_target

DISPLAYED_TOKEN_CHARS = 12


def _user(row: UserRow) -> User:
    return User(id=row.id, name=row.name, is_admin=row.is_admin, created_at=row.created_at,
                session_generation=row.session_generation)


def end_sessions(row: UserRow) -> None:
    """End every web session of the user (they hold the old generation); the caller commits."""
    row.session_generation = (row.session_generation or 0) + 1


def sign_out(session: Session, user: str) -> None:
    """End every web session of ``user``: the sign-out button does this."""
    row = find_user(session, user)
    if row is not None:
        end_sessions(row)
        session.commit()


def hash_token(token: str) -> str:
    """The sha256 (hex) under which a token is stored."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def get_user(session: Session, name: str) -> User:
    """The user with this name; NotFoundError if there is none."""
    row = find_user(session, name)
    if row is None:
        raise NotFoundError(f"no user '{name}'")
    return _user(row)


def has_users(session: Session) -> bool:
    """Whether any user exists yet: on first start, ``assay serve`` creates an admin."""
    return any_user(session)


def create_user(session: Session, name: str, *, is_admin: bool = False, actor: str) -> User:
    """Create a user; ConflictError if the name is taken."""
    validate_user_name(name)
    if find_user(session, name) is not None:
        raise ConflictError(f"user '{name}' already exists")
    row = UserRow(name=name, is_admin=is_admin)
    session.add(row)
    session.flush()
    record(session, actor, "user.created", f"user:{name}", None,
           {"name": name, "is_admin": is_admin})
    session.commit()
    return _user(row)


def create_workspace(
    session: Session, slug: str, *, actor: str, name: str | None = None
) -> WorkspaceInfo:
    """Create a workspace; InvalidInputError for a bad slug, ConflictError if it exists."""
    validate_slug(slug)
    if get_workspace(session, slug) is not None:
        raise ConflictError(f"workspace '{slug}' already exists")
    row = WorkspaceRow(slug=slug, name=name or slug)
    session.add(row)
    session.flush()
    record(session, actor, "workspace.created", workspace_target(slug), None,
           {"slug": slug, "name": row.name})
    session.commit()
    return WorkspaceInfo(slug=row.slug, name=row.name, created_at=row.created_at)


def create_token(session: Session, user: str, *, actor: str) -> IssuedToken:
    """Issue a token for a user; the plain token is returned here once and never stored."""
    owner = get_user(session, user)
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = ApiTokenRow(
        user_id=owner.id, token_hash=hash_token(token), prefix=token[:DISPLAYED_TOKEN_CHARS]
    )
    session.add(row)
    session.flush()
    record(session, actor, "token.created", f"user:{user}/token:{row.id}", None,
           {"prefix": row.prefix})
    session.commit()
    return IssuedToken(id=row.id, user=user, token=token, prefix=row.prefix,
                       created_at=row.created_at)


def revoke_token(session: Session, user: str, token_id: int, *, actor: str) -> None:
    """Revoke one of a user's tokens; NotFoundError if the user has no such token."""
    owner = find_user(session, user)
    row = None if owner is None else find_token(session, owner.id, token_id)
    if owner is None or row is None:
        raise NotFoundError(f"user '{user}' has no token {token_id}")
    if row.revoked_at is None:
        row.revoked_at = utcnow()
        end_sessions(owner)
        record(session, actor, "token.revoked", f"user:{user}/token:{token_id}",
               {"prefix": row.prefix}, {"prefix": row.prefix, "revoked": True})
    session.commit()


def authenticate(session: Session, token: str) -> User | None:
    """The user an unrevoked token belongs to, or None."""
    if not token.startswith(TOKEN_PREFIX):
        return None
    row = user_of_token(session, hash_token(token))
    return None if row is None else _user(row)


def role_in(session: Session, user: User, workspace: str) -> Role | None:
    """The user's role in an existing workspace, or None if not a member."""
    space = get_workspace(session, workspace)
    membership = None if space is None else find_membership(session, space.id, user.id)
    return None if membership is None else Role(membership.role)


def authorize(session: Session, user: User, workspace: str, needed: Role) -> None:
    """Pass if the user may act with ``needed`` in the workspace; raise otherwise."""
    if get_workspace(session, workspace) is None:
        raise NotFoundError(f"no workspace '{workspace}'")
    if user.is_admin:
        return
    held = role_in(session, user, workspace)
    if held is None:
        raise NotFoundError(f"no workspace '{workspace}'")
    if not role_allows(held, needed):
        raise ForbiddenError(
            f"user '{user.name}' is a {held} in workspace '{workspace}'; "
            f"this needs the {needed} role"
        )


def require_admin(user: User) -> None:
    """Pass for an admin; ForbiddenError for anyone else."""
    if not user.is_admin:
        raise ForbiddenError(f"user '{user.name}' is not an admin")
