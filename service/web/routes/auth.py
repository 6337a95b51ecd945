"""Sign in with an API token, sign out, and the front door."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import RedirectResponse

from service.pipeline.users import authenticate, sign_out
from service.web.deps import (
    CSRF_FIELD,
    CheckedVisitorDep,
    ServicesDep,
    SignerDep,
    secure_cookies,
)
from service.web.errors import WebRoute
from service.web.render import page
from service.web.session import (
    LOGIN_CSRF_COOKIE,
    SESSION_COOKIE,
    SESSION_SECONDS,
    WebSession,
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
                        secure=secure_cookies(request), max_age=3600)
    return response


@router.get("/", include_in_schema=False)
def front_door(request: Request, signer: SignerDep) -> Response:
    """Visitors with a session cookie go to their workspaces, others to the sign-in page.

    The workspaces page checks the session in full; this is only where to go first.
    """
    signed = signer.decode(request.cookies.get(SESSION_COOKIE)) is not None
    return RedirectResponse(HOME if signed else "/login", status_code=303)


@router.get("/login", include_in_schema=False)
def login_form(request: Request, next: str | None = None) -> Response:
    """The sign-in page."""
    return _login_page(request, safe_next(next), None, 200)


@router.post("/login", include_in_schema=False)
def login(
    request: Request,
    svc: ServicesDep,
    signer: SignerDep,
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
    web_session = WebSession.start(user.name, user.session_generation)
    response.set_cookie(SESSION_COOKIE, signer.encode(web_session),
                        httponly=True, samesite="lax", secure=secure_cookies(request),
                        max_age=SESSION_SECONDS)
    response.delete_cookie(LOGIN_CSRF_COOKIE)
    return response


@router.post("/logout", include_in_schema=False)
def logout(visitor: CheckedVisitorDep, svc: ServicesDep) -> Response:
    """End the session, and every other session of the user: the cookie stops working."""
    with svc.context.sessions() as session:
        sign_out(session, visitor.user.name)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response
