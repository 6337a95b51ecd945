"""The reviewer web UI: server-rendered pages over the pipeline, served under ``/``.

``create_app`` includes ``router`` and calls ``mount_static(app)``; everything else stays
inside this package. The pages call the pipeline directly, never the REST API.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, FastAPI
from fastapi.staticfiles import StaticFiles

from service.web.routes import (
    assessments,
    audit,
    auth,
    chat,
    documents,
    frameworks,
    passages,
    reports,
    requirement,
    review,
    workspaces,
)

STATIC_DIR = Path(__file__).parent / "static"
STATIC_PATH = "/static"

router = APIRouter(include_in_schema=False)
for module in (auth, workspaces, documents, passages, assessments, review, requirement,
               reports, chat, frameworks, audit):
    router.include_router(module.router)


def mount_static(app: FastAPI) -> None:
    """Serve the UI's CSS, scripts and vendored libraries under ``/static``."""
    app.mount(STATIC_PATH, StaticFiles(directory=STATIC_DIR), name="web-static")


__all__ = ["mount_static", "router"]
