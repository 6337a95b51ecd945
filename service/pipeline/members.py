"""Workspace memberships: who holds which role where (the matrix is in ``users``)."""

from __future__ import annotations

from service.db import MembershipRow, Session
from service.db.users import all_workspace_slugs, find_membership, find_user, memberships_of
from service.db.workspaces import get_workspace
from service.domain.access import Membership, User, parse_role
from service.errors import NotFoundError
from service.pipeline.audit import record, workspace_target
from service.pipeline.users import end_sessions, get_user


def add_member(
    session: Session, workspace: str, user: str, role: str, *, actor: str
) -> Membership:
    """Grant a role in a workspace, or change the member's role; idempotent for the same one."""
    granted = parse_role(role)
    space = get_workspace(session, workspace)
    if space is None:
        raise NotFoundError(f"no workspace '{workspace}'")
    member = get_user(session, user)
    row = find_membership(session, space.id, member.id)
    target = workspace_target(workspace, f"member:{user}")
    if row is None:
        session.add(MembershipRow(workspace_id=space.id, user_id=member.id, role=granted.value))
        record(session, actor, "member.added", target, None, {"role": granted.value})
    elif row.role != granted.value:
        record(session, actor, "member.role_changed", target, {"role": row.role},
               {"role": granted.value})
        row.role = granted.value
        _end_sessions_of(session, user)
    session.commit()
    return Membership(workspace=workspace, user=user, role=granted)


def remove_member(session: Session, workspace: str, user: str, *, actor: str) -> None:
    """Take a user's role in a workspace away; NotFoundError if they had none."""
    space = get_workspace(session, workspace)
    member = get_user(session, user)
    row = None if space is None else find_membership(session, space.id, member.id)
    if row is None:
        raise NotFoundError(f"user '{user}' is not a member of workspace '{workspace}'")
    record(session, actor, "member.removed", workspace_target(workspace, f"member:{user}"),
           {"role": row.role}, None)
    session.delete(row)
    _end_sessions_of(session, user)
    session.commit()


def _end_sessions_of(session: Session, user: str) -> None:
    """A changed role ends the user's web sessions: pages reload under the new role."""
    row = find_user(session, user)
    if row is not None:
        end_sessions(row)


def visible_workspaces(session: Session, user: User) -> list[str]:
    """The slugs a user may open: every workspace for an admin, else their memberships."""
    if user.is_admin:
        return list(all_workspace_slugs(session))
    return [slug for slug, _role in memberships_of(session, user.id)]


def memberships(session: Session, user: User) -> list[Membership]:
    """The user's roles, one per workspace."""
    return [
        Membership(workspace=slug, user=user.name, role=parse_role(role))
        for slug, role in memberships_of(session, user.id)
    ]
