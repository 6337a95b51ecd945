"""`assay audit verify|anchor|list`: the keyed, anchored audit log."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from service.cli.access import open_sessions
from service.cli.options import JsonOpt
from service.cli.output import EXIT_FAILED, emit_json, stderr, stdout, with_errors
from service.domain.audit import AuditVerification, utc_iso
from service.pipeline.audit import anchor_chain, list_events, verify
from service.settings import get_settings

app = typer.Typer(help="Verify and read the audit log.", no_args_is_help=True)


@app.command("verify")
@with_errors
def verify_command(json_out: JsonOpt = False) -> None:
    """Recompute the keyed chain and check it against the newest anchor; exit 1 if broken.

    ``problem`` names what is wrong: rewritten, rolled_back, deleted, reordered, truncated,
    inserted, head_missing, head_mismatch or anchor_invalid.
    """
    with open_sessions(get_settings())() as session:
        result = verify(session)
    if json_out:
        emit_json(result.model_dump(mode="json"))
    elif result.ok:
        stdout.print(f"audit log intact: {result.events} events")
    else:
        stdout.print(f"audit log BROKEN ({result.problem}) at event {result.first_broken} "
                     f"of {result.events}")
    _warn_unanchored(result)
    if not result.ok:
        stderr.print(f"[bold red]broken:[/] {escape(result.detail or '')}", highlight=False)
        raise typer.Exit(EXIT_FAILED)


def _warn_unanchored(result: AuditVerification) -> None:
    if result.anchor is None and result.events:
        stderr.print("warning: no anchor found, so a restored older copy of the database "
                     "cannot be told apart; run `assay audit anchor`", highlight=False)
    if result.keyed_from is None and result.events:
        stderr.print("warning: no event is keyed yet; the next change keys the chain",
                     highlight=False)


@app.command("anchor")
@with_errors
def anchor_command(json_out: JsonOpt = False) -> None:
    """Verify the chain, then write a signed checkpoint of its newest event to the anchors."""
    settings = get_settings()
    with open_sessions(settings)() as session:
        anchor = anchor_chain(session)
    if json_out:
        emit_json({"seq": anchor.seq, "head": anchor.head, "at": utc_iso(anchor.at),
                   "path": str(settings.audit_anchors_file)})
    else:
        stdout.print(f"anchored event {anchor.seq} in {settings.audit_anchors_file}")


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
