"""One JSON error shape for every failure: AssayError, bad requests, unknown routes, crashes."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from service.api.schemas.common import ErrorResponse
from service.errors import AssayError, AuthenticationError, ServiceBusyError

logger = logging.getLogger(__name__)

HTTP_CODES = {401: "unauthenticated", 403: "forbidden", 404: "not_found",
              405: "method_not_allowed", 409: "conflict", 413: "file_too_large",
              415: "unsupported_type", 422: "invalid_input", 429: "too_many_requests",
              503: "busy"}
DESCRIPTIONS = {401: "No or an invalid API token", 403: "The role does not allow it",
                404: "Unknown workspace, id or route", 409: "The state does not allow it",
                413: "The upload is over the size limit", 415: "Unsupported file type",
                422: "Invalid request or input",
                429: "Too many uploads of this user waiting to be ingested", 500: "Internal error",
                503: "Busy: every database connection in use; retry after Retry-After s"}


def error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` entries in the error shape, for a route's decorator."""
    return {status: {"model": ErrorResponse, "description": DESCRIPTIONS[status]}
            for status in statuses}


def error_json(status: int, code: str, message: str,
               headers: dict[str, str] | None = None) -> JSONResponse:
    """A response in the error shape."""
    body = ErrorResponse.model_validate({"error": {"code": code, "message": message}})
    return JSONResponse(body.model_dump(), status_code=status, headers=headers)


def _field(location: tuple[Any, ...]) -> str:
    return ".".join(str(part) for part in location if part not in ("body",)) or "body"


async def _assay_error(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, AssayError)
    headers = {"WWW-Authenticate": "Bearer"} if isinstance(error, AuthenticationError) else None
    if isinstance(error, ServiceBusyError):
        headers = {"Retry-After": str(error.retry_after_seconds)}
        logger.warning("busy: %s %s waited the pool timeout for a database connection",
                       request.method, request.url.path)
    elif error.status_code >= 500:
        logger.error("%s: %s", type(error).__name__, error.message)
    return error_json(error.status_code, error.code, error.message, headers)


async def _validation_error(_request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, RequestValidationError)
    problems = [f"{_field(tuple(e.get('loc', ())))}: {e.get('msg', 'invalid')}"
                for e in error.errors()[:5]]
    return error_json(422, "invalid_request", "; ".join(problems) or "invalid request")


async def _http_error(_request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, StarletteHTTPException)
    if error.status_code == 400:  # a body that cannot be parsed at all is a bad body: 422
        return error_json(422, "invalid_request", f"the request body is unreadable: {error.detail}")
    code = HTTP_CODES.get(error.status_code, "error")
    return error_json(error.status_code, code, str(error.detail), dict(error.headers or {}))


async def _unexpected_error(request: Request, error: Exception) -> JSONResponse:
    logger.exception("unexpected error on %s %s", request.method, request.url.path)
    return error_json(500, "internal", "internal server error; see the server log")


def install_error_handlers(app: FastAPI) -> None:
    """Map every failure to the one error shape; no stack trace ever reaches a client."""
    app.add_exception_handler(AssayError, _assay_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected_error)
