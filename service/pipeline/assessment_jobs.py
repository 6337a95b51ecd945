"""Start an assessment as a background job, with its progress fed to the job.

The job's params name the assessment's id, chosen at submission: a job run again (its
worker was killed, its message redelivered) resumes that assessment, and skips every
requirement already proposed, so each requirement is proposed once.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date

from service.components.catalog import CatalogRegistry
from service.components.llm import LLM
from service.db import Session
from service.domain.jobs import JobControl, JobHandler, JobParams, JobRunner
from service.domain.scope import scope_statement
from service.errors import InvalidInputError
from service.pipeline.assess import (
    AssessmentRequest,
    check_resume_as_of,
    run_assessment,
    select_requirements,
)
from service.pipeline.context import PipelineContext
from service.pipeline.review import open_assessment

ScoringModel = Callable[[], LLM | None]
KIND = "assessment"


def check_request(registry: CatalogRegistry, session: Session, request: AssessmentRequest) -> None:
    """Refuse at once what the job would fail on: an unknown framework, ref, scale or run."""
    framework = registry.get(request.framework_id).framework
    scope_statement(request.scope)
    if request.resume:
        if request.scope is not None:
            raise InvalidInputError("a resumed assessment keeps its scope; change it instead")
        check_resume_as_of(open_assessment(session, request.resume, request.workspace),
                           request.as_of)
        return
    if not select_requirements(registry, framework.id, request.refs):
        raise InvalidInputError("nothing to assess: the requirements named are not assessable")
    registry.scale(request.scale_id or framework.default_scale)


def assessment_job(
    context: PipelineContext, registry: CatalogRegistry, scoring_llm: ScoringModel,
    request: AssessmentRequest, actor: str, control: JobControl,
) -> str:
    """Run the assessment; percent and the requirement last scored go to the job's status."""
    control.progress(0.0, "loading the model")
    llm = scoring_llm()

    def report(done: int, total: int, ref: str) -> None:
        # The first report (no ref yet) comes before run_assessment can record an
        # interruption: a cancellation then stops the run at the next one instead.
        if ref or not control.cancelled:
            control.progress(100.0 * done / total if total else 100.0, ref)

    return run_assessment(context, registry, request, llm, report, actor)


def assessment_params(request: AssessmentRequest, actor: str) -> JobParams:
    """The JSON params of an assessment job; a new run gets its assessment id here."""
    return {
        "workspace": request.workspace, "framework_id": request.framework_id,
        "refs": list(request.refs), "scale_id": request.scale_id, "resume": request.resume,
        "assessment_id": request.resume or request.assessment_id or str(uuid.uuid4()),
        "scope": request.scope, "actor": actor,
        "as_of": request.as_of.isoformat() if request.as_of else None,
    }


def assessment_handler(
    context: PipelineContext, registry: CatalogRegistry, scoring_llm: ScoringModel
) -> JobHandler:
    """The handler of assessment jobs in a process with these parts."""

    def handle(params: JobParams, control: JobControl) -> str:
        request = AssessmentRequest(
            workspace=params["workspace"], framework_id=params["framework_id"],
            refs=tuple(params["refs"]), scale_id=params["scale_id"], resume=params["resume"],
            assessment_id=params["assessment_id"], scope=params.get("scope"),
            as_of=date.fromisoformat(params["as_of"]) if params.get("as_of") else None,
        )
        return assessment_job(context, registry, scoring_llm, request, params["actor"], control)

    return handle


def start_assessment_job(
    jobs: JobRunner, registry: CatalogRegistry, session: Session, request: AssessmentRequest,
    actor: str,
) -> str:
    """Check the request, then submit it as a job in its workspace; returns the job id."""
    check_request(registry, session, request)
    return jobs.submit(KIND, assessment_params(request, actor), scope=request.workspace)
