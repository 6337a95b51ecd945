"""Start an assessment as a background job, with its progress fed to the job.

The job's params name the assessment's id, chosen at submission: a job run again (its
worker was killed, its message redelivered) resumes that assessment, and skips every
requirement already proposed, so each requirement is proposed once.

The levels come first: when they are stored, the job ends and a follow-on job,
``rationales``, has the model write the rationales that the proposals mark pending; the API
and the UI show the levels at once and each rationale as it fills in.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from datetime import date

from service.components.catalog import CatalogRegistry
from service.components.llm import LLM
from service.db import Session
from service.db.assessment_status import change_status
from service.db.jobs import expired_jobs, live_jobs
from service.db.tables import utcnow
from service.domain.assessment import AssessmentStatus
from service.domain.jobs import JobControl, JobHandler, JobParams, JobRunner
from service.domain.scope import scope_statement
from service.errors import AssayError, ConflictError, InvalidInputError
from service.pipeline.assess import (
    AssessmentRequest,
    check_resume_as_of,
    run_assessment,
    select_requirements,
)
from service.pipeline.audit import SYSTEM_ACTOR, record, workspace_target
from service.pipeline.context import PipelineContext
from service.pipeline.rationales import pending_count, write_rationales
from service.pipeline.review import open_assessment

ScoringModel = Callable[[], LLM | None]
logger = logging.getLogger(__name__)
KIND = "assessment"
RATIONALES = "rationales"


def check_not_held(session: Session, workspace: str, assessment_id: str) -> None:
    """ConflictError (409) if a live job (queued, or running under a live lease) holds it.

    A "running" assessment whose job's lease has lapsed, or that no job holds (a killed CLI
    run), is interrupted: resuming it is allowed.
    """
    for job in live_jobs(session, KIND, workspace, utcnow()):
        if job.params.get("assessment_id") == assessment_id:
            raise ConflictError(f"assessment '{assessment_id}' is still being run by job "
                                f"'{job.id}' ({job.state}); wait for it or cancel it first")


def interrupt_lapsed(context: PipelineContext) -> int:
    """Mark interrupted each "running" assessment whose job's holder let its lease lapse.

    Never one that a live job holds (queued, or running under a live lease: another process
    may run it, or a reaper may have queued it again). A run of ``assay assess`` holds no job
    and no lease, so it is never marked here. Returns how many were marked.
    """
    marked = 0
    with context.sessions() as session:
        now = utcnow()
        lapsed = {str(job.params.get("assessment_id")): job for job in expired_jobs(session, now)
                  if job.kind == KIND}
        for assessment_id, job in lapsed.items():
            live = [j.id for j in live_jobs(session, KIND, job.scope, now)
                    if j.params.get("assessment_id") == assessment_id]
            if live or not change_status(session, assessment_id, AssessmentStatus.RUNNING,
                                         AssessmentStatus.INTERRUPTED):
                continue
            record(session, SYSTEM_ACTOR, "assessment.interrupted",
                   workspace_target(str(job.scope), f"assessment:{assessment_id}"), None,
                   {"status": AssessmentStatus.INTERRUPTED.value, "job": job.id},
                   reason=f"the lease of job {job.id} (held by {job.lease_holder}) expired")
            session.commit()
            marked += 1
    return marked


def check_request(registry: CatalogRegistry, session: Session, request: AssessmentRequest) -> None:
    """Refuse at once what the job would fail on: an unknown framework, ref, scale or run."""
    framework = registry.get(request.framework_id).framework
    scope_statement(request.scope)
    if request.resume:
        if request.scope is not None:
            raise InvalidInputError("a resumed assessment keeps its scope; change it instead")
        check_resume_as_of(open_assessment(session, request.resume, request.workspace),
                           request.as_of)
        check_not_held(session, request.workspace, request.resume)
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
        control.progress(100.0 * done / total if total else 100.0, ref)

    return run_assessment(context, registry, request, llm, report, actor)


def rationale_job(context: PipelineContext, llm: LLM, assessment_id: str,
                  control: JobControl) -> str:
    """Have the model write the assessment's pending rationales; percent as they fill in."""

    def report(done: int, total: int, ref: str) -> None:
        control.progress(100.0 * done / total if total else 100.0, ref)

    write_rationales(context, assessment_id, llm, report)
    return assessment_id


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
    context: PipelineContext, registry: CatalogRegistry, scoring_llm: ScoringModel,
    jobs: Callable[[], JobRunner],
) -> JobHandler:
    """The handler of assessment jobs in a process with these parts.

    When the proposals wait for the model's rationales, a ``rationales`` job follows.
    """

    def handle(params: JobParams, control: JobControl) -> str:
        request = AssessmentRequest(
            workspace=params["workspace"], framework_id=params["framework_id"],
            refs=tuple(params["refs"]), scale_id=params["scale_id"], resume=params["resume"],
            assessment_id=params["assessment_id"], scope=params.get("scope"),
            as_of=date.fromisoformat(params["as_of"]) if params.get("as_of") else None,
        )
        assessment_id = assessment_job(context, registry, scoring_llm, request,
                                       params["actor"], control)
        if scoring_llm() is not None and pending_count(context, assessment_id):
            try:
                jobs().submit(RATIONALES, {"assessment_id": assessment_id},
                              scope=request.workspace)
            except AssayError as error:  # the levels stand; the rationales wait for a rerun
                logger.warning("the rationales of assessment %s were not queued: %s",
                               assessment_id, error)
        return assessment_id

    return handle


def rationale_handler(context: PipelineContext, scoring_llm: ScoringModel) -> JobHandler:
    """The handler of follow-on ``rationales`` jobs; without a model nothing is pending."""

    def handle(params: JobParams, control: JobControl) -> str:
        assessment_id = str(params["assessment_id"])
        llm = scoring_llm()
        if llm is None:
            return assessment_id
        return rationale_job(context, llm, assessment_id, control)

    return handle


def start_assessment_job(
    jobs: JobRunner, registry: CatalogRegistry, session: Session, request: AssessmentRequest,
    actor: str,
) -> str:
    """Check the request, then submit it as a job in its workspace; returns the job id."""
    check_request(registry, session, request)
    return jobs.submit(KIND, assessment_params(request, actor), scope=request.workspace)
