"""`assay review` and `assay assessments compare`: human decisions and history."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from service.cli.access import AsOpt, assessment_workspace, open_sessions
from service.cli.options import JsonOpt, writable_settings
from service.cli.output import emit_json, stdout, with_errors
from service.composition import build_registry
from service.domain.access import Role
from service.domain.history import AssessmentComparison
from service.domain.review import ReviewAction
from service.errors import InvalidInputError
from service.pipeline.history import compare_assessments
from service.pipeline.review import ReviewDecision, review_proposal
from service.settings import get_settings

app = typer.Typer()
assessments = typer.Typer(help="Assessment history.", no_args_is_help=True)
PAST = {ReviewAction.ACCEPT: "accepted", ReviewAction.OVERRIDE: "overrode",
        ReviewAction.NA: "marked not applicable"}


def _action(accept: bool, override: int | None, na: bool) -> ReviewAction:
    chosen = [a for a, on in ((ReviewAction.ACCEPT, accept),
                              (ReviewAction.OVERRIDE, override is not None),
                              (ReviewAction.NA, na)) if on]
    if len(chosen) != 1:
        raise InvalidInputError("give exactly one of --accept, --override LEVEL or --na")
    return chosen[0]


@app.command()
@with_errors
def review(
    assessment_id: Annotated[str, typer.Argument(help="The assessment's id.")],
    ref: Annotated[str, typer.Argument(help="The requirement, e.g. A.5.15.")],
    accept: Annotated[bool, typer.Option("--accept", help="Confirm the proposal.")] = False,
    override: Annotated[int | None, typer.Option(
        "--override", metavar="LEVEL", help="Set another level (needs --comment).")] = None,
    na: Annotated[bool, typer.Option(
        "--na", help="Not applicable (needs --comment as justification).")] = False,
    comment: Annotated[str, typer.Option("--comment", help="Why.")] = "",
    as_user: AsOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Accept, override or mark not applicable one requirement's proposal."""
    decision = ReviewDecision(assessment_id, ref, _action(accept, override, na), override, comment)
    settings = writable_settings()
    registry = build_registry(settings)
    with open_sessions(settings)() as session:
        workspace, actor = assessment_workspace(session, assessment_id, as_user, Role.REVIEWER)
        stored = review_proposal(session, registry, decision, actor=actor, workspace=workspace)
    if json_out:
        emit_json(stored.model_dump(mode="json"))
        return
    level = "not applicable" if stored.level is None else f"level {stored.level}"
    stdout.print(f"{escape(stored.reviewer)} {PAST[stored.action]} {stored.ref_id}: {level} "
                 f"(proposed {stored.proposed_level})", highlight=False)


def _shown(value: float | None) -> str:
    return "-" if value is None else str(value)


def _print_comparison(comparison: AssessmentComparison) -> None:
    a, b = comparison.a, comparison.b
    when = "%Y-%m-%d %H:%M"
    stdout.print(f"[bold]{comparison.framework}[/] · a {a.assessment_id} "
                 f"({a.created_at:{when}}) → b {b.assessment_id} ({b.created_at:{when}})",
                 highlight=False)
    themes = Table("theme", "a mean", "b mean", "delta")
    for t in comparison.themes:
        themes.add_row(escape(t.theme), _shown(t.a_mean), _shown(t.b_mean),
                       "" if t.delta is None else f"{t.delta:+.2f}")
    stdout.print(themes)
    moved = [r for r in comparison.requirements if r.delta != 0 or r.a_state != r.b_state]
    changes = Table("ref", "title", "a", "b", "delta", "b review state")
    for r in moved:
        changes.add_row(r.ref_id, escape(r.title[:50]), _shown(r.a_level), _shown(r.b_level),
                        "" if r.delta is None else f"{r.delta:+d}",
                        "" if r.b_state is None else r.b_state.value)
    stdout.print(changes if moved else "no requirement changed level or review state")


@assessments.command("compare")
@with_errors
def compare_command(
    a: Annotated[str, typer.Argument(metavar="A", help="The earlier assessment's id.")],
    b: Annotated[str, typer.Argument(metavar="B", help="The later assessment's id.")],
    as_user: AsOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Levels per requirement and per theme from A to B (same workspace), with the deltas."""
    with open_sessions(get_settings())() as session:
        workspace, _actor = assessment_workspace(session, a, as_user, Role.VIEWER)
        comparison = compare_assessments(session, a, b, workspace)
    if json_out:
        emit_json(comparison.model_dump(mode="json"))
    else:
        _print_comparison(comparison)
