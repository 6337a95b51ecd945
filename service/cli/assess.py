"""`assay retrieve`, `assay assess` and `assay report`."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from service.cli.access import AsOpt, cli_actor
from service.cli.options import (
    AsOfOpt,
    JsonOpt,
    WorkspaceOpt,
    open_assessment_context,
    open_context,
)
from service.cli.output import emit_json, stderr, stdout, with_errors
from service.composition import build_llm, build_registry
from service.domain.access import Role
from service.domain.assessment import Proposal
from service.domain.report import Report
from service.errors import InvalidInputError
from service.pipeline.assess import AssessmentRequest, run_assessment, select_requirements
from service.pipeline.assessment_jobs import check_not_held
from service.pipeline.rationales import write_rationales
from service.pipeline.report import build_report, load_assessment
from service.pipeline.retrieve import Retriever
from service.pipeline.scoring_setup import needs_llm, retrieval_params

app = typer.Typer()
FrameworkOpt = Annotated[str, typer.Option("--framework", "-f", help="Framework id.")]
RequirementOpt = Annotated[
    list[str] | None,
    typer.Option("--requirement", "-r", help="A requirement ref; repeat or comma-separate."),
]


def _refs(values: list[str] | None) -> tuple[str, ...]:
    return tuple(r.strip() for v in values or [] for r in v.split(",") if r.strip())


def result_json(p: Proposal) -> dict[str, Any]:
    """A proposal in the shape of CLI.md's `assess` results."""
    return {
        "ref_id": p.ref_id,
        "title": p.title,
        "level": p.level,
        "documentation_level": p.documentation_level,
        "implementation_level": p.implementation_level,
        "confidence": p.confidence,
        "rationale": p.rationale,
        "facets": [
            {
                "id": f.id,
                "text": f.text,
                "kind": f.kind.value,
                "status": f.status.value,
                "quote": f.quote,
                "chunk_id": f.chunk_id,
            }
            for f in p.facets
        ],
        "citations": [c.model_dump() for c in p.citations],
        "gaps": list(p.gaps),
        "status": p.status.value,
    }


@app.command()
@with_errors
def retrieve(
    framework: FrameworkOpt,
    requirement: RequirementOpt = None,
    all_requirements: Annotated[bool, typer.Option("--all", help="Every assessable one.")] = False,
    workspace: WorkspaceOpt = "default",
    k: Annotated[int, typer.Option("-k", help="Evidence per requirement.")] = 8,
    json_out: JsonOpt = False,
) -> None:
    """The evidence found for requirements: hybrid search, above the relevance floor.

    Fewer than k over the floor are followed by the nearest others, marked below_floor:
    related passages, not evidence.
    """
    refs = _refs(requirement)
    if bool(refs) == all_requirements:
        raise InvalidInputError("give --requirement REF (repeatable) or --all, not both")
    context = open_context(workspace)
    registry = build_registry(context.settings)
    params = replace(retrieval_params(context.settings.scoring), k=k)
    retriever = Retriever(context, workspace, params)
    requirements = select_requirements(registry, framework, refs)
    retriever.prepare(requirements)
    results: list[dict[str, Any]] = [
        {
            "requirement": {"ref_id": r.ref_id, "title": r.title},
            "evidence": [
                {
                    "chunk_id": e.chunk.chunk_id,
                    "document": e.chunk.document,
                    "page": e.chunk.page,
                    "heading": e.chunk.heading,
                    "kind": e.chunk.kind.value,
                    "score": round(e.score, 4),
                    "text": e.chunk.text,
                    "below_floor": e.below_floor,
                }
                for e in retriever.retrieve(r)
            ],
        }
        for r in requirements
    ]
    if json_out:
        emit_json({"results": results})
        return
    for result in results:
        req = result["requirement"]
        stdout.print(f"[bold]{req['ref_id']} {req['title']}[/]", highlight=False)
        evidence: list[dict[str, Any]] = result["evidence"]
        if not any(not e["below_floor"] for e in evidence):
            stdout.print("  no evidence above the relevance floor")
        for e in evidence:
            where = " · ".join(str(x) for x in (e["document"], e["page"], e["heading"]) if x)
            related = ", related: under the floor" if e["below_floor"] else ""
            stdout.print(f"  {where} [{e['kind']}, {e['score']:.2f}{related}]",
                         highlight=False, markup=False)


@app.command()
@with_errors
def assess(
    framework: FrameworkOpt,
    requirement: RequirementOpt = None,
    workspace: WorkspaceOpt = "default",
    scale: Annotated[str | None, typer.Option("--scale", help="Scale id.")] = None,
    resume: Annotated[str | None, typer.Option("--resume", help="Assessment id.")] = None,
    scope: Annotated[str | None, typer.Option(
        "--scope", help="What the assessment covers (free text, shown in every export).")
    ] = None,
    out: Annotated[Path | None, typer.Option("--out", help="Also write the JSON here.")] = None,
    as_of: AsOfOpt = None,
    no_rationale: Annotated[bool, typer.Option(
        "--no-rationale", help="Keep the template rationales: the model writes none.")] = False,
    json_out: JsonOpt = False,
) -> None:
    """Propose a maturity level per requirement, with citations and gaps.

    Records older than a requirement's review period (12 months unless its catalog says
    otherwise) as of --as-of (default today) show no practice. The model writes the
    rationales after the levels, unless --no-rationale.
    """
    context = open_context(workspace, writes=True)
    registry = build_registry(context.settings)
    llm = None
    if needs_llm(context.settings.scoring):
        stderr.print(f"loading the {context.settings.llm.mode} LLM ...")
        llm = build_llm(context.settings.llm, context.settings.data_dir)
    request = AssessmentRequest(workspace, framework, _refs(requirement), scale, resume,
                                scope=scope, as_of=as_of.date() if as_of else None,
                                model_rationale=not no_rationale)
    if resume:
        with context.sessions() as session:
            check_not_held(session, workspace, resume)
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=stderr, transient=True) as progress:
        task = progress.add_task("assessing", total=None)

        def advance(done: int, total: int, ref: str) -> None:
            progress.update(task, completed=done, total=total, description=f"assessing {ref}")

        assessment_id = run_assessment(context, registry, request, llm, advance, cli_actor())
        if llm is not None and not no_rationale:
            writing = progress.add_task("writing rationales", total=None)

            def written(done: int, total: int, ref: str) -> None:
                progress.update(writing, completed=done, total=total,
                                description=f"writing rationales {ref}")

            write_rationales(context, assessment_id, llm, written)
    header, proposals = load_assessment(context, assessment_id, workspace)
    payload: dict[str, Any] = header.model_dump(
        mode="json",
        include={"assessment_id", "framework", "workspace", "scale", "scope", "as_of"})
    payload["results"] = [result_json(p) for p in proposals]
    if out is not None:
        out.write_text(json.dumps(payload, ensure_ascii=False, indent=2), encoding="utf-8")
    if json_out:
        emit_json(payload)
        return
    table = Table("ref", "title", "level", "doc", "impl", "conf", "status")
    for p in proposals:
        table.add_row(
            p.ref_id,
            p.title[:50],
            str(p.level),
            str(p.documentation_level),
            str(p.implementation_level),
            f"{p.confidence:.2f}",
            p.status.value,
        )
    stdout.print(table)
    stdout.print(f"assessment {assessment_id}: `assay report {assessment_id}` for the report")


def _mean(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def print_report(data: Report) -> None:
    """The report on the terminal: themes, counts, the first gaps, screened passages."""
    stdout.print(
        f"[bold]{data.framework}[/] · workspace {data.workspace} · "
        f"{data.created_at:%Y-%m-%d %H:%M} · {data.status.value}",
        highlight=False,
    )
    if data.scope:
        stdout.print(f"scope: {escape(data.scope)}", highlight=False)
    if data.projected_from:
        stdout.print(f"projected from {data.source_framework} assessment {data.projected_from}",
                     highlight=False)
    table = Table("theme", "requirements", "reviewed", "proposed mean", "effective mean",
                  "distribution (level: count)")
    for t in data.themes:
        table.add_row(
            escape(t.theme), str(t.requirements), str(t.reviewed), _mean(t.proposed_mean),
            _mean(t.effective_mean), ", ".join(f"{k}: {v}" for k, v in t.distribution.items()),
        )
    stdout.print(table)
    stdout.print("effective means count the reviewer's level where one decided; N/A left out")
    stdout.print("counts: " + ", ".join(f"{k.value} {v}" for k, v in data.counts.items()))
    stdout.print("review: " + ", ".join(f"{k.value.replace('_', ' ')} {v}"
                                        for k, v in data.review.items()))
    stdout.print("\n[bold]Gaps, most urgent first[/]")
    for gap in data.gaps[:25]:
        first = gap.facets[0].description if gap.facets else "see the requirement"
        what = first if gap.evidence_found else f"no evidence found; {first}"
        stdout.print(f"  {gap.ref_id} {gap.title} (level {gap.effective_level}): {what}",
                     highlight=False, markup=False)
    if len(data.gaps) > 25:
        stdout.print(f"  ... and {len(data.gaps) - 25} more (use --json for all)")
    for passage in data.screened:
        stdout.print(f"[yellow]screened[/] {escape(passage.document)}: "
                     f"{escape(passage.text[:120])}", highlight=False)


@app.command()
@with_errors
def report(
    assessment_id: Annotated[str, typer.Argument(help="The assessment's id.")],
    as_user: AsOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Maturity per theme (proposed and after review), counts by status, the gaps, prioritised."""
    context, workspace, _actor = open_assessment_context(assessment_id, as_user, Role.VIEWER)
    data = build_report(context, build_registry(context.settings), assessment_id, workspace)
    if json_out:
        emit_json(data.model_dump(mode="json"))
        return
    print_report(data)
