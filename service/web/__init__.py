"""The reviewer web UI: server-rendered pages over the pipeline, served under ``/``.

``create_app`` calls ``install(app, settings)``: the router, the static files and the
session signer, whose key is created here, before the app serves a request. Everything else
stays inside this package. The pages call the pipeline directly, never the REST API.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, FastAPI
from fastapi.staticfiles import StaticFiles

from service.settings import Settings
from service.web.routes import (
    assessments,
    audit,
    auth,
    chat,
    documents,
    frameworks,
    passages,
    projections,
    reports,
    requirement,
    review,
    signoff,
    workspaces,
)
from service.web.session import SessionSigner, load_key

STATIC_DIR = Path(__file__).parent / "static"
STATIC_PATH = "/static"

router = APIRouter(include_in_schema=False)
for module in (auth, workspaces, documents, passages, assessments, review, requirement,
               reports, signoff, projections, chat, frameworks, audit):
    router.include_router(module.router)


def install(app: FastAPI, settings: Settings) -> None:
    """Add the UI to the app: its pages, its static files under ``/static``, its signer.

    The session key is read (or created) now, at start-up, so that no request can ever see
    a key that is still being written.
    """
    app.state.session_signer = SessionSigner(load_key(settings.data_dir))
    app.state.secure_cookies = settings.api.secure_cookies
    app.include_router(router)
    app.mount(STATIC_PATH, StaticFiles(directory=STATIC_DIR), name="web-static")


__all__ = ["install", "router"]
