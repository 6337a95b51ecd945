"""A workspace's assessments, newest first, and the run before a given one."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from service.components.catalog import CatalogRegistry
from service.db.assessment_list import assessments_in
from service.db.workspaces import get_workspace
from service.domain.assessment import AssessmentStatus
from service.errors import AssayError
from service.pipeline.assess import select_requirements
from service.pipeline.context import PipelineContext


@dataclass(frozen=True)
class AssessmentSummary:
    """One assessment in the list: what, when, how far."""

    id: str
    framework_id: str
    framework_name: str
    scale_id: str
    status: AssessmentStatus
    created_at: datetime
    finished_at: datetime | None
    proposals: int
    requirements: int


def _planned(registry: CatalogRegistry, framework_id: str, requested: list[str]) -> int:
    try:
        return len(select_requirements(registry, framework_id, tuple(requested)))
    except AssayError:  # a framework removed since, or a ref that no longer resolves
        return 0


def list_assessments(
    context: PipelineContext, registry: CatalogRegistry, workspace: str
) -> list[AssessmentSummary]:
    """The workspace's assessments, newest first."""
    with context.sessions() as session:
        space = get_workspace(session, workspace)
        found = [] if space is None else assessments_in(session, space.id)
        return [
            AssessmentSummary(
                id=row.id, framework_id=row.framework_id,
                framework_name=(registry.get(row.framework_id).framework.name
                                if registry.has(row.framework_id) else row.framework_id),
                scale_id=row.scale_id, status=AssessmentStatus(row.status),
                created_at=row.created_at, finished_at=row.finished_at, proposals=count,
                requirements=_planned(registry, row.framework_id, list(row.requested)),
            )
            for row, count in found
        ]


def previous_assessment(
    context: PipelineContext, registry: CatalogRegistry, workspace: str, assessment_id: str
) -> str | None:
    """The newest earlier assessment of the same framework and scale, if there is one."""
    runs = list_assessments(context, registry, workspace)
    this = next((run for run in runs if run.id == assessment_id), None)
    if this is None:
        return None
    earlier = [run for run in runs
               if run.framework_id == this.framework_id and run.scale_id == this.scale_id
               and run.created_at < this.created_at]
    return earlier[0].id if earlier else None
