"""Assessments: the list, a new one started as a background job, its progress, its scope."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from service.domain.access import Role
from service.domain.scope import SCOPE_MAX_CHARS, scope_statement
from service.errors import NotFoundError
from service.pipeline.assess import AssessmentRequest
from service.pipeline.assessment_list import list_assessments
from service.pipeline.scope import set_scope
from service.web.deps import Access, AccessDep, ChangeDep, ServicesDep
from service.web.errors import WebRoute
from service.web.progress import ProgressView, estimate
from service.web.render import page

router = APIRouter(route_class=WebRoute)
JOB = "/w/{workspace}/jobs/{job_id}"


@router.get("/w/{workspace}/assessments", include_in_schema=False)
def assessments_page(request: Request, access: AccessDep, svc: ServicesDep) -> HTMLResponse:
    """The workspace's assessments and, for assessors, the form that starts a new one."""
    return page(request, "assessments.html", {
        "access": access, "visitor": access.visitor, "nav": "assessments",
        "assessments": list_assessments(svc.context, svc.registry, access.workspace),
        "frameworks": svc.registry.frameworks(), "scales": svc.registry.scales(),
    })


def parse_refs(text: str) -> tuple[str, ...]:
    """Requirement refs from a comma- or line-separated field."""
    return tuple(ref.strip() for ref in text.replace("\n", ",").split(",") if ref.strip())


@router.post("/w/{workspace}/assessments", include_in_schema=False)
def start(
    access: ChangeDep,
    svc: ServicesDep,
    framework: Annotated[str, Form()],
    scale: Annotated[str, Form()] = "",
    requirements: Annotated[str, Form(max_length=4000)] = "",
    scope: Annotated[str, Form(max_length=SCOPE_MAX_CHARS)] = "",
    resume: Annotated[str, Form(max_length=36)] = "",
) -> RedirectResponse:
    """Start an assessment (or finish one, e.g. a projection's rest) as a background job."""
    access.require(Role.ASSESSOR)
    request = AssessmentRequest(access.workspace, framework, parse_refs(requirements),
                                scale or None, resume or None, scope_statement(scope))
    with svc.context.sessions() as session:
        job_id = svc.start_assessment(session, request, access.user.name)
    return RedirectResponse(f"/w/{access.workspace}/jobs/{job_id}", status_code=303)


@router.post("/w/{workspace}/assessments/{assessment_id}/scope", include_in_schema=False)
def change_scope(
    assessment_id: str, access: ChangeDep, svc: ServicesDep,
    scope: Annotated[str, Form(max_length=SCOPE_MAX_CHARS)] = "",
) -> RedirectResponse:
    """Replace the assessment's scope statement (blank removes it); audited."""
    access.require(Role.ASSESSOR)
    with svc.context.sessions() as session:
        set_scope(session, assessment_id, access.workspace, scope, access.user.name)
    return RedirectResponse(f"/w/{access.workspace}/assessments/{assessment_id}",
                            status_code=303)


def _progress(access: Access, svc: ServicesDep, job_id: str) -> ProgressView:
    status = svc.jobs.status(job_id)
    if status.scope != access.workspace:
        raise NotFoundError(f"no job '{job_id}' in workspace '{access.workspace}'")
    return ProgressView(status=status, estimate=estimate(status))


@router.get(JOB, include_in_schema=False)
def job_page(request: Request, job_id: str, access: AccessDep, svc: ServicesDep) -> HTMLResponse:
    """A job's progress, refreshed by the page every second until it finishes."""
    view = _progress(access, svc, job_id)
    template = "_job_progress.html" if request.headers.get("hx-request") else "job.html"
    return page(request, template, {"access": access, "visitor": access.visitor,
                                    "nav": "assessments", "job": view})


@router.post(JOB + "/cancel", include_in_schema=False)
def cancel(job_id: str, access: ChangeDep, svc: ServicesDep) -> RedirectResponse:
    """Ask the job to stop at its next step."""
    access.require(Role.ASSESSOR)
    _progress(access, svc, job_id)
    svc.jobs.cancel(job_id)
    return RedirectResponse(f"/w/{access.workspace}/jobs/{job_id}", status_code=303)
