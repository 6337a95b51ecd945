"""`assay assessments scope`: show or change an assessment's scope statement."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.markup import escape

from service.cli.access import AsOpt, assessment_workspace, open_sessions
from service.cli.options import JsonOpt, writable_settings
from service.cli.output import emit_json, stdout, with_errors
from service.domain.access import Role
from service.errors import InvalidInputError
from service.pipeline.scope import get_scope, set_scope
from service.settings import get_settings

app = typer.Typer()


@app.command("scope")
@with_errors
def scope_command(
    assessment_id: Annotated[str, typer.Argument(help="The assessment's id.")],
    text: Annotated[str | None, typer.Argument(
        metavar="[TEXT]", help="The new scope statement; without it, shows the current one.")
    ] = None,
    clear: Annotated[bool, typer.Option("--clear", help="Remove the scope statement.")] = False,
    as_user: AsOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Show an assessment's scope statement, or change it (an assessor's change, audited)."""
    if clear and text is not None:
        raise InvalidInputError("give a TEXT or --clear, not both")
    changing = clear or text is not None
    settings = writable_settings() if changing else get_settings()
    with open_sessions(settings)() as session:
        workspace, actor = assessment_workspace(
            session, assessment_id, as_user, Role.ASSESSOR if changing else Role.VIEWER)
        if changing:
            scope = set_scope(session, assessment_id, workspace, text, actor)
        else:
            scope = get_scope(session, assessment_id, workspace)
    if json_out:
        emit_json({"assessment_id": assessment_id, "scope": scope})
        return
    stdout.print(escape(scope) if scope else "no scope statement", highlight=False)
