"""Assessments: start (a job), results, report and the comparison of two runs."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from service.api.deps import (
    AssessorSlug,
    ContextDep,
    CurrentUser,
    ServicesDep,
    ViewerSlug,
)
from service.api.errors import error_responses
from service.api.schemas.assessments import (
    AssessmentCreate,
    AssessmentPublic,
    ComparisonPublic,
    ExportCreate,
    ProjectionCreate,
    ReportPublic,
    ResultPublic,
    ScopePublic,
    ScopeUpdate,
)
from service.api.schemas.jobs import JobPublic
from service.api.schemas.signatures import SignaturePublic
from service.domain.export import ExportFormat
from service.domain.projection import ProjectionReport
from service.errors import InvalidInputError
from service.pipeline.assess import AssessmentRequest
from service.pipeline.export import MEDIA_TYPES, export_assessment, file_kind
from service.pipeline.export_jobs import start_export_job
from service.pipeline.history import compare_assessments
from service.pipeline.projection import load_projection
from service.pipeline.projection_jobs import start_projection_job
from service.pipeline.report import build_report, load_assessment
from service.pipeline.scope import set_scope
from service.pipeline.signoff import list_signatures

router = APIRouter(prefix="/workspaces/{slug}/assessments", tags=["assessments"])
ERRORS = error_responses(401, 404, 422)
AssessmentId = Annotated[str, Query(min_length=1, max_length=36)]


@router.post("", status_code=202, responses=error_responses(401, 403, 404, 422))
def start_assessment(
    slug: AssessorSlug, body: AssessmentCreate, services: ServicesDep, context: ContextDep,
    user: CurrentUser,
) -> JobPublic:
    """Start a new dated assessment (or resume one); poll ``GET /jobs/{id}`` for progress."""
    with context.sessions() as session:
        refs = tuple(r.strip() for r in body.requirements if r.strip())
        request = AssessmentRequest(slug, body.framework, refs, body.scale, body.resume,
                                    scope=body.scope, as_of=body.as_of)
        job_id = services.start_assessment(session, request, user.name)
        return JobPublic.of(services.jobs.status(job_id))


@router.get("/compare", responses=ERRORS)
def compare(
    slug: ViewerSlug, context: ContextDep, a: AssessmentId, b: AssessmentId
) -> ComparisonPublic:
    """Levels per requirement and per theme from assessment ``a`` to ``b``."""
    with context.sessions() as session:
        comparison = compare_assessments(session, a, b, slug)
    return ComparisonPublic.model_validate(comparison.model_dump())


@router.get("/{assessment_id}", responses=ERRORS)
def get_assessment(
    slug: ViewerSlug, assessment_id: str, context: ContextDep
) -> AssessmentPublic:
    """The assessment, its proposals so far (a running one grows as it goes), its signatures."""
    with context.sessions() as session:
        header, proposals = load_assessment(context, assessment_id, slug)
        results = [ResultPublic.model_validate(p.model_dump(include=set(ResultPublic.model_fields)))
                   for p in proposals]
        signatures = [SignaturePublic.of(s) for s in list_signatures(session, assessment_id, slug)]
        return AssessmentPublic.model_validate(
            header.model_dump() | {"results": results, "signatures": signatures})


@router.put("/{assessment_id}/scope", responses=error_responses(401, 403, 404, 409, 422))
def put_scope(
    slug: AssessorSlug, assessment_id: str, body: ScopeUpdate, context: ContextDep,
    user: CurrentUser,
) -> ScopePublic:
    """Replace the scope statement (null or blank removes it); audited, refused while signed."""
    with context.sessions() as session:
        scope = set_scope(session, assessment_id, slug, body.scope, user.name)
    return ScopePublic(assessment_id=assessment_id, scope=scope)


@router.get("/{assessment_id}/report", responses=ERRORS)
def get_report(
    slug: ViewerSlug, assessment_id: str, context: ContextDep, services: ServicesDep
) -> ReportPublic:
    """Maturity per theme (proposed and after review), review counts, the gaps, prioritised."""
    report = build_report(context, services.registry, assessment_id, slug)
    return ReportPublic.model_validate(report.model_dump())


@router.get("/{assessment_id}/export", responses=ERRORS,
            response_class=Response)
def export(
    slug: ViewerSlug, assessment_id: str, context: ContextDep, services: ServicesDep,
    fmt: Annotated[ExportFormat, Query(alias="format")] = ExportFormat.XLSX,
) -> Response:
    """The whole assessment as a file to download (``soa``: ISO 27001 only).

    Not ``pdf``, which takes too long for a request: ``POST .../exports`` makes it as a job.
    """
    if fmt == ExportFormat.PDF:
        raise InvalidInputError(
            "a PDF export runs as a job: POST /workspaces/{slug}/assessments/{id}/exports "
            '{"format": "pdf"}, then download GET /jobs/{job id}/file when it is done')
    data = export_assessment(context, services.registry, assessment_id, slug, fmt)
    kind = file_kind(fmt)
    name = f"assessment-{assessment_id}-{fmt.value}.{kind}"
    return Response(data, media_type=MEDIA_TYPES[kind],
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@router.post("/{assessment_id}/exports", status_code=202,
             responses=error_responses(401, 404, 422, 503))
def start_export(
    slug: ViewerSlug, assessment_id: str, body: ExportCreate, context: ContextDep,
    services: ServicesDep, user: CurrentUser,
) -> JobPublic:
    """Export the assessment as a job, in any format; the file comes from ``GET /jobs/{id}/file``.

    Poll ``GET /jobs/{id}`` until it is done; the file is kept for
    ``jobs.export_retention_hours``.
    """
    job_id = start_export_job(context, services.jobs, assessment_id, slug, body.format,
                              user.name)
    return JobPublic.of(services.jobs.status(job_id))


@router.post("/{assessment_id}/projections", status_code=202,
             responses=error_responses(401, 403, 404, 422, 503))
def create_projection(
    slug: AssessorSlug, assessment_id: str, body: ProjectionCreate, context: ContextDep,
    services: ServicesDep, user: CurrentUser,
) -> JobPublic:
    """Carry this assessment onto ``to`` as a job: a new assessment, each carried result checked.

    Poll ``GET /jobs/{id}``; its ``result`` is the projected assessment's id, whose
    ``GET .../projection`` shows what was carried.
    """
    job_id = start_projection_job(context, services.registry, services.jobs, assessment_id,
                                  slug, body.to, user.name)
    return JobPublic.of(services.jobs.status(job_id))


@router.get("/{assessment_id}/projection", responses=ERRORS)
def get_projection(
    slug: ViewerSlug, assessment_id: str, context: ContextDep, services: ServicesDep
) -> ProjectionReport:
    """A projected assessment: every target requirement, disagreements first, and coverage."""
    return load_projection(context, services.registry, assessment_id, slug)
