"""Errors in the browser: plain-language pages, never a stack trace.

Every web route uses ``WebRoute``. An ``AssayError`` becomes a page (or, for a script's
request, a JSON ``{"error": ...}``) with its status and message; invalid form input says
which fields are wrong; anything unexpected is logged and shown as a short apology. A
request without a valid session is sent to the sign-in page.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Coroutine
from typing import Any
from urllib.parse import quote

from fastapi import HTTPException, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse
from fastapi.routing import APIRoute

from service.errors import AssayError, AuthenticationError, ServiceBusyError
from service.web.render import page

log = logging.getLogger(__name__)

SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "connect-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}
UNEXPECTED = ("Something went wrong on the server, and the action did not complete. "
              "Try again; if it keeps happening, the server log has the details.")


class SignInRequiredError(AuthenticationError):
    """No valid session: the visitor must sign in first."""

    def __init__(self) -> None:
        super().__init__("Please sign in with your API token.")


def wants_json(request: Request) -> bool:
    """Whether the request comes from a script that reads JSON (uploads, chat)."""
    return "application/json" in request.headers.get("accept", "")


def _invalid_fields(error: RequestValidationError) -> str:
    names = [str(e["loc"][-1]) for e in error.errors() if e.get("loc")]
    fields = ", ".join(dict.fromkeys(names)) or "the form"
    return f"Some fields are missing or not valid: {fields}. Check them and try again."


def error_response(request: Request, status: int, message: str) -> Response:
    """The error as JSON for scripts, a fragment for htmx, or a whole page."""
    if wants_json(request):
        return JSONResponse({"error": message}, status_code=status)
    if request.headers.get("hx-request"):
        return page(request, "_error.html", {"message": message}, status_code=status)
    return page(request, "error.html", {"message": message, "status": status},
                status_code=status)


def _sign_in(request: Request) -> Response:
    target = "/login?next=" + quote(request.url.path, safe="/")
    if wants_json(request):
        return JSONResponse({"error": "Your session has ended: sign in again."}, 401)
    if request.headers.get("hx-request"):
        return Response(status_code=401, headers={"HX-Redirect": target})
    return RedirectResponse(target, status_code=303)


class WebRoute(APIRoute):
    """A route whose failures become plain-language responses with security headers."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        """Wrap FastAPI's handler so that every failure is answered in plain words."""
        handler = super().get_route_handler()

        async def guarded(request: Request) -> Response:
            try:
                response = await handler(request)
            except SignInRequiredError:
                response = _sign_in(request)
            except ServiceBusyError as error:
                response = error_response(request, error.status_code, error.message)
                response.headers["Retry-After"] = str(error.retry_after_seconds)
            except AssayError as error:
                response = error_response(request, error.status_code, error.message)
            except RequestValidationError as error:
                response = error_response(request, 422, _invalid_fields(error))
            except HTTPException as error:
                response = error_response(request, error.status_code, str(error.detail))
            except Exception:
                log.exception("web request %s %s failed", request.method, request.url.path)
                response = error_response(request, 500, UNEXPECTED)
            for name, value in SECURITY_HEADERS.items():
                response.headers.setdefault(name, value)
            return response

        return guarded
