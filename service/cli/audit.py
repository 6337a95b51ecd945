"""`assay audit verify|list`: the hash-chained audit log."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from service.cli.access import open_sessions
from service.cli.options import JsonOpt
from service.cli.output import EXIT_FAILED, emit_json, stderr, stdout, with_errors
from service.pipeline.audit import list_events, verify
from service.settings import get_settings

app = typer.Typer(help="Verify and read the audit log.", no_args_is_help=True)


@app.command("verify")
@with_errors
def verify_command(json_out: JsonOpt = False) -> None:
    """Recompute the hash chain; exit 1 and name the first broken event if it is broken."""
    with open_sessions(get_settings())() as session:
        result = verify(session)
    if json_out:
        emit_json({"ok": result.ok, "events": result.events, "first_broken": result.first_broken})
    elif result.ok:
        stdout.print(f"audit log intact: {result.events} events")
    else:
        stdout.print(f"audit log BROKEN at event {result.first_broken} of {result.events}")
    if not result.ok:
        stderr.print(f"[bold red]broken:[/] {result.problem}", highlight=False)
        raise typer.Exit(EXIT_FAILED)


@app.command("list")
@with_errors
def list_command(
    workspace: Annotated[
        str | None, typer.Option("--workspace", "-w", help="Only this workspace's events.")
    ] = None,
    after: Annotated[int, typer.Option("--after", min=0, help="Events after this seq.")] = 0,
    limit: Annotated[int, typer.Option("--limit", min=1, help="At most this many.")] = 100,
    json_out: JsonOpt = False,
) -> None:
    """The events in order: who did what to which target, when, and why."""
    with open_sessions(get_settings())() as session:
        events = list_events(session, workspace, after, limit)
    if json_out:
        emit_json({"events": [e.model_dump(mode="json") for e in events]})
        return
    table = Table("seq", "at (UTC)", "actor", "action", "target", "reason")
    for e in events:
        table.add_row(str(e.seq), e.at.strftime("%Y-%m-%d %H:%M:%S"), escape(e.actor),
                      e.action, escape(e.target), escape(e.reason or ""))
    stdout.print(table)
