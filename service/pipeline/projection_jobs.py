"""Projections as background jobs: a worker carries an assessment onto another framework.

The request checks the projection can be made (the assessment, the target framework, a
crosswalk between them) and queues it; the job's params fix the projected assessment's id,
so that a run again after a crash continues the same projection and proposes each carried
requirement once. The job's result is the projected assessment's id; a cancelled job leaves
it ``interrupted``, with the requirements carried so far.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable

from service.components.catalog import CatalogRegistry
from service.components.llm import LLM
from service.db import AssessmentRow
from service.domain.assessment import AssessmentStatus
from service.domain.jobs import JobCancelledError, JobControl, JobHandler, JobParams, JobRunner
from service.pipeline.context import PipelineContext
from service.pipeline.projection import check_projection, project_assessment

KIND = "projection"


def start_projection_job(
    context: PipelineContext, registry: CatalogRegistry, jobs: JobRunner, source_id: str,
    workspace: str, to: str, actor: str,
) -> str:
    """Check the projection can be made (4xx errors now, not in the job), then queue it."""
    target = check_projection(context, registry, source_id, workspace, to)
    params: JobParams = {"workspace": workspace, "source_id": source_id, "to": target,
                         "actor": actor, "target_id": str(uuid.uuid4())}
    return jobs.submit(KIND, params, scope=workspace)


def projection_handler(
    context: PipelineContext, registry: CatalogRegistry, scoring_llm: Callable[[], LLM | None]
) -> JobHandler:
    """The handler of projection jobs in a process with these parts (the model loads once)."""

    def handle(params: JobParams, control: JobControl) -> str:
        control.progress(0.0, "reading the assessment")
        try:
            report = project_assessment(
                context, registry, str(params["source_id"]), str(params["workspace"]),
                str(params["to"]), scoring_llm(), str(params["actor"]),
                target_id=str(params["target_id"]), progress=control.progress)
        except JobCancelledError:
            _interrupt(context, str(params["target_id"]))
            raise
        return report.assessment_id

    return handle


def _interrupt(context: PipelineContext, assessment_id: str) -> None:
    """Mark a cancelled projection's assessment interrupted (if it was begun)."""
    with context.sessions() as session:
        row = session.get(AssessmentRow, assessment_id)
        if row is not None and row.status == AssessmentStatus.RUNNING:
            row.status = AssessmentStatus.INTERRUPTED
            session.commit()
