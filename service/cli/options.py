"""Options shared by several commands, and the pipeline context they open."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import typer

from service.cli.access import assessment_workspace
from service.composition import build_context
from service.datadir import hold_for_writing
from service.domain.access import Role
from service.domain.workspace import validate_slug
from service.pipeline.context import PipelineContext
from service.settings import Settings, get_settings

WorkspaceOpt = Annotated[
    str, typer.Option("--workspace", "-w", help="Workspace slug; created on first use.")
]
JsonOpt = Annotated[
    bool, typer.Option("--json", help="Print exactly one JSON object on stdout.")
]
AsOfOpt = Annotated[
    datetime | None,
    typer.Option("--as-of", formats=["%Y-%m-%d"], metavar="YYYY-MM-DD",
                 help="Judge records' freshness as of this day; default today."),
]


def open_context(workspace: str, *, writes: bool = False) -> PipelineContext:
    """Validate the workspace name, then wire the pipeline from the settings.

    ``writes``: the command changes the data dir, which `assay serve` must not hold.
    """
    validate_slug(workspace)
    return build_context(writable_settings() if writes else get_settings())


def open_assessment_context(
    assessment_id: str, as_user: str | None, needed: Role
) -> tuple[PipelineContext, str, str]:
    """The pipeline, the assessment's workspace and the actor, who must hold ``needed`` there.

    Commands that name an assessment by id find its workspace from it.
    """
    context = build_context(get_settings())
    with context.sessions() as session:
        workspace, actor = assessment_workspace(session, assessment_id, as_user, needed)
    return context, workspace, actor


def writable_settings() -> Settings:
    """The settings of a command that writes the data dir; refused while it is served.

    The command then shares the serve lock until it ends, so `assay serve` cannot start
    meanwhile.
    """
    settings = get_settings()
    hold_for_writing(settings)
    return settings
