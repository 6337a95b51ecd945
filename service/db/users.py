"""Queries on users, API tokens and memberships."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.db.access_tables import ApiTokenRow, MembershipRow, UserRow
from service.db.tables import WorkspaceRow


def find_user(session: Session, name: str) -> UserRow | None:
    """The user with this name, if any."""
    return session.scalar(select(UserRow).where(UserRow.name == name))


def user_of_token(session: Session, token_hash: str) -> UserRow | None:
    """The owner of an unrevoked token with this hash, if any."""
    return session.scalar(
        select(UserRow)
        .join(ApiTokenRow, ApiTokenRow.user_id == UserRow.id)
        .where(ApiTokenRow.token_hash == token_hash, ApiTokenRow.revoked_at.is_(None))
    )


def find_token(session: Session, user_id: int, token_id: int) -> ApiTokenRow | None:
    """One of the user's tokens, by id."""
    return session.scalar(
        select(ApiTokenRow).where(ApiTokenRow.id == token_id, ApiTokenRow.user_id == user_id)
    )


def find_membership(session: Session, workspace_id: int, user_id: int) -> MembershipRow | None:
    """The user's membership of the workspace, if any."""
    return session.scalar(
        select(MembershipRow).where(
            MembershipRow.workspace_id == workspace_id, MembershipRow.user_id == user_id
        )
    )


def memberships_of(session: Session, user_id: int) -> Sequence[tuple[str, str]]:
    """(workspace slug, role) for every workspace the user belongs to, by slug."""
    rows = session.execute(
        select(WorkspaceRow.slug, MembershipRow.role)
        .join(MembershipRow, MembershipRow.workspace_id == WorkspaceRow.id)
        .where(MembershipRow.user_id == user_id)
        .order_by(WorkspaceRow.slug)
    ).all()
    return [(slug, role) for slug, role in rows]


def all_workspace_slugs(session: Session) -> Sequence[str]:
    """Every workspace's slug, sorted."""
    return session.scalars(select(WorkspaceRow.slug).order_by(WorkspaceRow.slug)).all()


def any_user(session: Session) -> bool:
    """Whether at least one user exists (``assay serve`` creates an admin when none does)."""
    return session.scalar(select(UserRow.id).limit(1)) is not None
