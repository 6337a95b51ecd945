"""`assay users|workspaces|members|tokens`: who may do what, where."""

from __future__ import annotations

from typing import Annotated

import typer

from service.cli.access import AsOpt, open_sessions, resolve_actor
from service.cli.options import JsonOpt, writable_settings
from service.cli.output import emit_json, stderr, stdout, with_errors
from service.pipeline.members import add_member
from service.pipeline.users import create_token, create_user, create_workspace

users = typer.Typer(help="Create users.", no_args_is_help=True)
workspaces = typer.Typer(help="Create workspaces.", no_args_is_help=True)
members = typer.Typer(help="Grant roles in workspaces.", no_args_is_help=True)
tokens = typer.Typer(help="Issue API tokens.", no_args_is_help=True)


@users.command("create")
@with_errors
def create_user_command(
    name: Annotated[str, typer.Argument(help="The user's name.")],
    admin: Annotated[bool, typer.Option("--admin", help="May do everything.")] = False,
    as_user: AsOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Create a user (then grant roles with `members add` and a token with `tokens create`)."""
    with open_sessions(writable_settings())() as session:
        actor = resolve_actor(session, as_user)
        user = create_user(session, name, is_admin=admin, actor=actor)
    if json_out:
        emit_json(user.model_dump(mode="json"))
    else:
        stdout.print(f"created user {user.name}{' (admin)' if admin else ''}", highlight=False)


@workspaces.command("create")
@with_errors
def create_workspace_command(
    name: Annotated[str, typer.Argument(help="The workspace's slug.")],
    as_user: AsOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Create a workspace."""
    with open_sessions(writable_settings())() as session:
        actor = resolve_actor(session, as_user)
        workspace = create_workspace(session, name, actor=actor)
    if json_out:
        emit_json(workspace.model_dump(mode="json"))
    else:
        stdout.print(f"created workspace {workspace.slug}", highlight=False)


@members.command("add")
@with_errors
def add_member_command(
    workspace: Annotated[str, typer.Argument(help="The workspace's slug.")],
    user: Annotated[str, typer.Argument(help="The user's name.")],
    role: Annotated[str, typer.Option("--role", help="assessor, reviewer or viewer.")],
    as_user: AsOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Grant a user a role in a workspace (or change it)."""
    with open_sessions(writable_settings())() as session:
        actor = resolve_actor(session, as_user)
        membership = add_member(session, workspace, user, role, actor=actor)
    if json_out:
        emit_json(membership.model_dump(mode="json"))
    else:
        stdout.print(f"{membership.user} is a {membership.role} in {membership.workspace}",
                     highlight=False)


@tokens.command("create")
@with_errors
def create_token_command(
    user: Annotated[str, typer.Argument(help="The user's name.")],
    as_user: AsOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Print a new API token for a user, once: only its hash is stored."""
    with open_sessions(writable_settings())() as session:
        actor = resolve_actor(session, as_user)
        issued = create_token(session, user, actor=actor)
    if json_out:
        emit_json(issued.model_dump(mode="json"))
        return
    stderr.print(f"token {issued.id} for {issued.user}: shown once, store it now")
    typer.echo(issued.token)
