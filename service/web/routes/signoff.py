"""The sign-off page of an assessment: its signatures, signing (token re-entered), re-opening."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse

from service.domain.access import Role
from service.domain.signature import SignatureMeaning, parse_meaning
from service.errors import ConflictError, ForbiddenError, InvalidInputError
from service.pipeline.signoff import SignOff, reopen_assessment, sign_assessment
from service.web.assessment_view import load_view
from service.web.deps import Access, AccessDep, ChangeDep, ServicesDep
from service.web.errors import WebRoute
from service.web.render import page

router = APIRouter(route_class=WebRoute)
SIGNOFF = "/w/{workspace}/assessments/{assessment_id}/signoff"
REOPEN = "/w/{workspace}/assessments/{assessment_id}/reopen"
DONE = {"signed": "Signed.", "reopened": "Re-opened: the signatures are void."}
REFUSED = (ConflictError, ForbiddenError, InvalidInputError)


def _page(
    request: Request, access: Access, svc: ServicesDep, assessment_id: str, *,
    done: str = "", error: str | None = None, status_code: int = 200,
) -> HTMLResponse:
    view = load_view(svc, access.workspace, assessment_id)
    return page(request, "signoff.html", {
        "access": access, "visitor": access.visitor, "nav": "assessments", "view": view,
        "tab": "signoff", "can_sign": access.can(Role.REVIEWER), "meanings": SignatureMeaning,
        "done": DONE.get(done, ""), "error": error,
    }, status_code=status_code)


@router.get(SIGNOFF, include_in_schema=False)
def signoff_page(
    request: Request, assessment_id: str, access: AccessDep, svc: ServicesDep, done: str = ""
) -> HTMLResponse:
    """The signatures, the form to sign and, while signed, the form to re-open."""
    return _page(request, access, svc, assessment_id, done=done)


@router.post(SIGNOFF, include_in_schema=False)
def sign(
    request: Request, assessment_id: str, access: ChangeDep, svc: ServicesDep,
    meaning: Annotated[str, Form()] = "", token: Annotated[str, Form()] = "",
) -> Response:
    """Sign as the signed-in user, whose API token is entered again."""
    access.require(Role.REVIEWER)
    try:
        signoff = SignOff(assessment_id, access.user.name, parse_meaning(meaning), token)
        with svc.context.sessions() as session:
            sign_assessment(session, signoff, workspace=access.workspace)
    except REFUSED as refused:
        return _page(request, access, svc, assessment_id, error=refused.message,
                     status_code=refused.status_code)
    return RedirectResponse(f"{request.url.path}?done=signed", status_code=303)


@router.post(REOPEN, include_in_schema=False)
def reopen(
    request: Request, assessment_id: str, access: ChangeDep, svc: ServicesDep,
    comment: Annotated[str, Form()] = "",
) -> Response:
    """Void the standing signatures, with the comment, so that reviews may resume."""
    access.require(Role.REVIEWER)
    try:
        with svc.context.sessions() as session:
            reopen_assessment(session, assessment_id, actor=access.user.name, comment=comment,
                              workspace=access.workspace)
    except REFUSED as refused:
        return _page(request, access, svc, assessment_id, error=refused.message,
                     status_code=refused.status_code)
    target = request.url.path.removesuffix("/reopen") + "/signoff?done=reopened"
    return RedirectResponse(target, status_code=303)
