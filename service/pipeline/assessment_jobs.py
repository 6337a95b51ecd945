"""Start an assessment as a background job, with its progress fed to the job.

The levels come first: when they are stored, the job ends and a follow-on job,
``rationales``, has the model write the rationales that the proposals mark pending; the API
and the UI show the levels at once and each rationale as it fills in.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from service.components.catalog import CatalogRegistry
from service.components.llm import LLM
from service.db import Session
from service.domain.jobs import JobControl, JobRunner
from service.errors import InvalidInputError
from service.pipeline.assess import AssessmentRequest, run_assessment, select_requirements
from service.pipeline.context import PipelineContext
from service.pipeline.rationales import pending_count, write_rationales
from service.pipeline.review import open_assessment

ScoringModel = Callable[[], LLM | None]


def check_request(registry: CatalogRegistry, session: Session, request: AssessmentRequest) -> None:
    """Refuse at once what the job would fail on: an unknown framework, ref, scale or run."""
    framework = registry.get(request.framework_id).framework
    if request.resume:
        open_assessment(session, request.resume, request.workspace)
        return
    if not select_requirements(registry, framework.id, request.refs):
        raise InvalidInputError("nothing to assess: the requirements named are not assessable")
    registry.scale(request.scale_id or framework.default_scale)


def assessment_job(
    jobs: JobRunner, context: PipelineContext, registry: CatalogRegistry,
    scoring_llm: ScoringModel, request: AssessmentRequest, actor: str, control: JobControl,
) -> str:
    """Run the assessment; percent and the requirement last scored go to the job's status.

    When the proposals wait for the model's rationales, a ``rationales`` job follows.
    """
    control.progress(0.0, "loading the model")
    llm = scoring_llm()

    def report(done: int, total: int, ref: str) -> None:
        # The first report (no ref yet) comes before run_assessment can record an
        # interruption: a cancellation then stops the run at the next one instead.
        if ref or not control.cancelled:
            control.progress(100.0 * done / total if total else 100.0, ref)

    assessment_id = run_assessment(context, registry, request, llm, report, actor)
    if llm is not None and pending_count(context, assessment_id):
        jobs.submit("rationales", partial(rationale_job, context, llm, assessment_id),
                    scope=request.workspace)
    return assessment_id


def rationale_job(context: PipelineContext, llm: LLM, assessment_id: str,
                  control: JobControl) -> str:
    """Have the model write the assessment's pending rationales; percent as they fill in."""

    def report(done: int, total: int, ref: str) -> None:
        control.progress(100.0 * done / total if total else 100.0, ref)

    write_rationales(context, assessment_id, llm, report)
    return assessment_id


def start_assessment_job(
    jobs: JobRunner, context: PipelineContext, registry: CatalogRegistry,
    scoring_llm: ScoringModel, session: Session, request: AssessmentRequest, actor: str,
) -> str:
    """Check the request, then submit it as a job in its workspace; returns the job id."""
    check_request(registry, session, request)
    job = partial(assessment_job, jobs, context, registry, scoring_llm, request, actor)
    return jobs.submit("assessment", job, scope=request.workspace)
