"""Projections from the UI: carry an assessment onto another framework, and its coverage."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from service.domain.access import Role
from service.pipeline.projection import load_projection
from service.pipeline.projection_jobs import start_projection_job
from service.web.assessment_view import load_view
from service.web.deps import AccessDep, ChangeDep, ServicesDep
from service.web.errors import WebRoute
from service.web.render import page

router = APIRouter(route_class=WebRoute)
ASSESSMENT = "/w/{workspace}/assessments/{assessment_id}"


@router.get(ASSESSMENT + "/project", include_in_schema=False)
def project_page(
    request: Request, assessment_id: str, access: AccessDep, svc: ServicesDep
) -> HTMLResponse:
    """The frameworks a crosswalk reaches from this one, to carry the assessment onto."""
    access.require(Role.ASSESSOR)
    view = load_view(svc, access.workspace, assessment_id)
    targets = [svc.registry.get(fid) for fid in svc.registry.linked_frameworks(view.framework.id)]
    return page(request, "project.html", {
        "access": access, "visitor": access.visitor, "nav": "assessments", "view": view,
        "targets": targets, "tab": "project",
    })


@router.post(ASSESSMENT + "/projections", include_in_schema=False)
def project(
    assessment_id: str, access: ChangeDep, svc: ServicesDep,
    to: Annotated[str, Form(max_length=100)],
) -> RedirectResponse:
    """Carry the assessment onto ``to`` as a job; its progress page links to the coverage."""
    access.require(Role.ASSESSOR)
    job_id = start_projection_job(svc.context, svc.registry, svc.jobs, assessment_id,
                                  access.workspace, to, access.user.name)
    return RedirectResponse(f"/w/{access.workspace}/jobs/{job_id}", status_code=303)


@router.get(ASSESSMENT + "/coverage", include_in_schema=False)
def coverage_page(
    request: Request, assessment_id: str, access: AccessDep, svc: ServicesDep
) -> HTMLResponse:
    """Per theme: carried, agreeing with the evidence, remaining; then each result."""
    view = load_view(svc, access.workspace, assessment_id)
    projection = load_projection(svc.context, svc.registry, assessment_id, access.workspace)
    return page(request, "coverage.html", {
        "access": access, "visitor": access.visitor, "nav": "assessments", "view": view,
        "projection": projection, "tab": "coverage",
    })
