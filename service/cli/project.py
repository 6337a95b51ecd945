"""`assay project`: carry a reviewed assessment onto another framework."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from service.cli.access import AsOpt
from service.cli.options import JsonOpt, open_assessment_context
from service.cli.output import emit_json, stderr, stdout, with_errors
from service.composition import build_llm, build_registry
from service.datadir import hold_for_writing
from service.domain.access import Role
from service.domain.projection import ProjectionReport
from service.pipeline.projection import project_assessment
from service.pipeline.scoring_setup import needs_llm

app = typer.Typer()


def projection_json(report: ProjectionReport) -> dict[str, Any]:
    """The contract's shape (shared/CLI.md), plus the check's level and note per result."""
    return {
        "assessment_id": report.assessment_id,
        "source_assessment_id": report.source_assessment_id,
        "framework": report.framework,
        "results": [
            {
                "ref_id": r.ref_id, "title": r.title, "level": r.level, "status": r.status.value,
                "carried_from": [
                    {"framework": s.framework, "ref_id": s.ref_id,
                     "relationship": s.relationship.value, "level": s.level,
                     "reviewed": s.reviewed, "review_state": s.review_state,
                     "source_assessment_id": s.source_assessment_id,
                     "crosswalk": s.crosswalk, "crosswalk_version": s.crosswalk_version}
                    for s in r.carried_from
                ],
                "evidence_check": None if r.evidence_check is None else r.evidence_check.value,
                "evidence_level": r.evidence_level,
                "check_note": r.check_note,
            }
            for r in report.results
        ],
        "coverage": [c.model_dump(mode="json") for c in report.coverage],
    }


@app.command()
@with_errors
def project(
    assessment_id: Annotated[str, typer.Argument(help="The source assessment's id.")],
    to: Annotated[str, typer.Option("--to", help="The target framework's id.")],
    as_user: AsOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """A new assessment of another framework, carried through the crosswalks and checked."""
    context, workspace, actor = open_assessment_context(assessment_id, as_user, Role.ASSESSOR)
    hold_for_writing(context.settings)
    registry = build_registry(context.settings)
    llm = None
    if needs_llm(context.settings.scoring):
        stderr.print(f"loading the {context.settings.llm.mode} LLM ...")
        llm = build_llm(context.settings.llm, context.settings.data_dir)
    report = project_assessment(context, registry, assessment_id, workspace, to, llm, actor)
    if json_out:
        emit_json(projection_json(report))
        return
    table = Table("ref", "title", "level", "status", "from", "evidence check")
    for r in report.results:
        sources = ", ".join(f"{s.ref_id} ({s.relationship.value})" for s in r.carried_from)
        table.add_row(escape(r.ref_id), escape(r.title[:40]), str(r.level), r.status.value,
                      escape(sources[:40]),
                      "" if r.evidence_check is None else r.evidence_check.value)
    stdout.print(table)
    for c in report.coverage:
        stdout.print(f"{escape(c.theme)}: {c.carried}/{c.requirements} carried, "
                     f"{c.agrees} agree, {c.remaining} remaining", highlight=False)
    stdout.print(f"assessment {report.assessment_id}: `assay assess --framework "
                 f"{report.framework} --resume {report.assessment_id}` fills the rest")
