"""The gap report, the dashboard and the exports of one assessment.

An export from the page runs as a job (a PDF takes tens of seconds): the button starts it,
the job page shows its progress, then offers the file.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response

from service.domain.export import ExportFormat
from service.errors import InvalidInputError, NotFoundError
from service.pipeline.assessment_list import previous_assessment
from service.pipeline.export import MEDIA_TYPES, export_assessment, file_kind
from service.pipeline.export_jobs import export_file as stored_export
from service.pipeline.export_jobs import start_export_job
from service.pipeline.history import compare_assessments
from service.pipeline.report import build_report
from service.web.assessment_view import load_view
from service.web.deps import AccessDep, ChangeDep, ServicesDep
from service.web.errors import WebRoute
from service.web.render import page
from service.web.summaries import group_gaps, review_progress

router = APIRouter(route_class=WebRoute)
ASSESSMENT = "/w/{workspace}/assessments/{assessment_id}"


@router.get(ASSESSMENT + "/gaps", include_in_schema=False)
def gap_report(
    request: Request, assessment_id: str, access: AccessDep, svc: ServicesDep
) -> HTMLResponse:
    """Unmet facets and missing evidence by theme: no evidence and lowest levels first."""
    view = load_view(svc, access.workspace, assessment_id)
    report = build_report(svc.context, svc.registry, assessment_id, access.workspace)
    return page(request, "gaps.html", {
        "access": access, "visitor": access.visitor, "nav": "assessments", "view": view,
        "groups": group_gaps(report.gaps), "screened": report.screened, "tab": "gaps",
    })


@router.get(ASSESSMENT + "/dashboard", include_in_schema=False)
def dashboard(
    request: Request, assessment_id: str, access: AccessDep, svc: ServicesDep
) -> HTMLResponse:
    """Maturity per theme as a chart, review progress, and the change since the last run."""
    view = load_view(svc, access.workspace, assessment_id)
    levels = build_report(svc.context, svc.registry, assessment_id, access.workspace).themes
    previous_id = previous_assessment(svc.context, svc.registry, access.workspace, assessment_id)
    comparison = None
    if previous_id is not None:
        with svc.context.sessions() as session:
            comparison = compare_assessments(session, previous_id, assessment_id,
                                             access.workspace)
    previous_means = {t.theme: t.a_mean for t in comparison.themes} if comparison else {}
    chart = {
        "labels": [t.theme for t in levels],
        "current": [t.effective_mean for t in levels],
        "proposed": [t.proposed_mean for t in levels],
        "previous": [previous_means.get(t.theme) for t in levels] if comparison else None,
        "max": max(step.value for step in view.scale.levels),
    }
    changed = [r for r in comparison.requirements if r.delta] if comparison else []
    return page(request, "dashboard.html", {
        "access": access, "visitor": access.visitor, "nav": "assessments", "view": view,
        "levels": levels, "progress": review_progress(view.rows), "comparison": comparison,
        "changed": changed, "chart": chart, "tab": "dashboard",
        "previous_means": previous_means,
    })


@router.get(ASSESSMENT + "/export/{fmt}", include_in_schema=False)
def export_file(assessment_id: str, fmt: ExportFormat, access: AccessDep,
                svc: ServicesDep) -> Response:
    """The assessment as a file to download, in a quick format (a PDF is made by a job)."""
    if fmt == ExportFormat.PDF:
        raise InvalidInputError("a PDF export is made in the background: use the PDF button "
                                "of the assessment's page")
    data = export_assessment(svc.context, svc.registry, assessment_id, access.workspace, fmt)
    kind = file_kind(fmt)
    name = f"assessment-{assessment_id}-{fmt.value}.{kind}"
    return Response(data, media_type=MEDIA_TYPES[kind],
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@router.post(ASSESSMENT + "/exports", include_in_schema=False)
def start_export(
    assessment_id: str, access: ChangeDep, svc: ServicesDep,
    fmt: Annotated[ExportFormat, Form(alias="format")],
) -> RedirectResponse:
    """Export the assessment as a job, then show its progress and, when done, the file."""
    job_id = start_export_job(svc.context, svc.jobs, assessment_id, access.workspace, fmt,
                              access.user.name)
    return RedirectResponse(f"/w/{access.workspace}/jobs/{job_id}", status_code=303)


@router.get("/w/{workspace}/jobs/{job_id}/file", include_in_schema=False)
def job_file(job_id: str, access: AccessDep, svc: ServicesDep) -> FileResponse:
    """The file a finished export job of this workspace made."""
    status = svc.jobs.status(job_id)
    if status.scope != access.workspace:
        raise NotFoundError(f"no job '{job_id}' in workspace '{access.workspace}'")
    made = stored_export(svc.context, status)
    return FileResponse(made.path, media_type=made.media_type, filename=made.name)
