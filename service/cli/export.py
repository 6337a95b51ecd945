"""`assay export`: the whole assessment as a file."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from service.cli.access import AsOpt
from service.cli.options import JsonOpt, open_assessment_context
from service.cli.output import emit_json, stdout, with_errors
from service.composition import build_registry
from service.domain.access import Role
from service.domain.export import ExportFormat
from service.pipeline.export import write_export

app = typer.Typer()


@app.command()
@with_errors
def export(
    assessment_id: Annotated[str, typer.Argument(help="The assessment's id.")],
    fmt: Annotated[ExportFormat, typer.Option("--format", help="The file format.")],
    out: Annotated[Path, typer.Option("--out", help="The file to write.", dir_okay=False)],
    as_user: AsOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Export the whole assessment (soa: ISO 27001's Statement of Applicability, xlsx or .csv)."""
    context, workspace, _actor = open_assessment_context(assessment_id, as_user, Role.VIEWER)
    size = write_export(context, build_registry(context.settings), assessment_id, workspace,
                        fmt, out)
    if json_out:
        emit_json({"assessment_id": assessment_id, "format": fmt.value, "path": str(out),
                   "bytes": size})
        return
    stdout.print(f"wrote {out} ({fmt.value}, {size} bytes)", highlight=False, markup=False)
