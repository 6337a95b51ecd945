"""Options shared by several commands, and the pipeline context they open."""

from __future__ import annotations

from typing import Annotated

import typer

from service.domain.workspace import validate_slug
from service.pipeline.context import PipelineContext
from service.settings import get_settings
from service.wiring import build_context

WorkspaceOpt = Annotated[
    str, typer.Option("--workspace", "-w", help="Workspace slug; created on first use.")
]
JsonOpt = Annotated[
    bool, typer.Option("--json", help="Print exactly one JSON object on stdout.")
]


def open_context(workspace: str) -> PipelineContext:
    """Validate the workspace name, then wire the pipeline from the settings."""
    validate_slug(workspace)
    return build_context(get_settings())
