"""Sign in with an API token, sign out, and the front door."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import RedirectResponse

from service.pipeline.users import authenticate
from service.web.deps import CSRF_FIELD, CheckedVisitorDep, ServicesDep, session_key
from service.web.errors import WebRoute
from service.web.render import page
from service.web.session import (
    LOGIN_CSRF_COOKIE,
    SESSION_COOKIE,
    SESSION_SECONDS,
    WebSession,
    decode_session,
    encode_session,
    new_csrf_token,
    same_token,
)

router = APIRouter(route_class=WebRoute)
HOME = "/w"


def safe_next(target: str | None) -> str:
    """A local path to go to after signing in; anything else goes home."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return HOME


def _login_page(request: Request, next_path: str, error: str | None, status: int) -> Response:
    csrf = new_csrf_token()
    response = page(request, "login.html", {"csrf": csrf, "next": next_path, "error": error},
                    status_code=status)
    response.set_cookie(LOGIN_CSRF_COOKIE, csrf, httponly=True, samesite="strict",
                        secure=request.url.scheme == "https", max_age=3600)
    return response


@router.get("/", include_in_schema=False)
def front_door(request: Request, svc: ServicesDep) -> Response:
    """Signed-in visitors go to their workspaces, others to the sign-in page."""
    key = session_key(svc.context.settings.data_dir.resolve())
    signed = decode_session(key, request.cookies.get(SESSION_COOKIE)) is not None
    return RedirectResponse(HOME if signed else "/login", status_code=303)


@router.get("/login", include_in_schema=False)
def login_form(request: Request, next: str | None = None) -> Response:
    """The sign-in page."""
    return _login_page(request, safe_next(next), None, 200)


@router.post("/login", include_in_schema=False)
def login(
    request: Request,
    svc: ServicesDep,
    token: Annotated[str, Form()] = "",
    csrf_token: Annotated[str, Form(alias=CSRF_FIELD)] = "",
    next: Annotated[str, Form()] = HOME,
) -> Response:
    """Check the token and start a session."""
    if not same_token(request.cookies.get(LOGIN_CSRF_COOKIE, ""), csrf_token):
        return _login_page(request, safe_next(next),
                           "The sign-in form had expired. Please try again.", 403)
    with svc.context.sessions() as session:
        user = authenticate(session, token.strip())
    if user is None:
        return _login_page(request, safe_next(next),
                           "That token is not valid. Check it, or ask an admin for a new one "
                           "(assay tokens create USER).", 401)
    response = RedirectResponse(safe_next(next), status_code=303)
    key = session_key(svc.context.settings.data_dir.resolve())
    response.set_cookie(SESSION_COOKIE, encode_session(key, WebSession.start(user.name)),
                        httponly=True, samesite="lax", secure=request.url.scheme == "https",
                        max_age=SESSION_SECONDS)
    response.delete_cookie(LOGIN_CSRF_COOKIE)
    return response


@router.post("/logout", include_in_schema=False)
def logout(visitor: CheckedVisitorDep) -> Response:
    """End the session."""
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response
