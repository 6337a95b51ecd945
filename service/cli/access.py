"""Who the CLI acts as, and the database the user, review and audit commands open."""

from __future__ import annotations

import getpass
from typing import Annotated

import typer

from service.composition import open_database
from service.domain.access import Role
from service.pipeline.context import Session, sessionmaker
from service.pipeline.review import workspace_of
from service.pipeline.users import authorize, get_user, require_admin
from service.settings import Settings

AsOpt = Annotated[
    str | None,
    typer.Option("--as", metavar="USER", help="Act as this Assay user, with their role."),
]


def cli_actor() -> str:
    """The actor of a command run without ``--as``: ``cli:<os user>``."""
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli:unknown"


def open_sessions(settings: Settings) -> sessionmaker[Session]:
    """Migrate the database and return its sessions, without opening the vector store."""
    return open_database(settings)


def resolve_actor(
    session: Session, as_user: str | None, workspace: str | None = None,
    needed: Role = Role.VIEWER,
) -> str:
    """The actor to record; with ``--as``, that user must hold the role (admin if no workspace)."""
    if as_user is None:
        return cli_actor()
    user = get_user(session, as_user)
    if workspace is None:
        require_admin(user)
    else:
        authorize(session, user, workspace, needed)
    return user.name


def assessment_workspace(
    session: Session, assessment_id: str, as_user: str | None, needed: Role
) -> tuple[str, str]:
    """The workspace of an assessment named by id, and the actor, who must hold ``needed``."""
    workspace = workspace_of(session, assessment_id)
    return workspace, resolve_actor(session, as_user, workspace, needed)
