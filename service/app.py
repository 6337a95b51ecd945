"""``create_app``: the routers, the error handlers, the lifespan and the web UI's seam."""

from __future__ import annotations

import importlib
import importlib.util
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from anyio import to_thread
from fastapi import APIRouter, FastAPI

from service.api.errors import install_error_handlers
from service.api.routes import (
    admin,
    assessments,
    audit,
    chat,
    documents,
    frameworks,
    health,
    jobs,
    passages,
    proposals,
    search,
    signatures,
)
from service.composition import Embedder, Services
from service.domain.jobs import JobRunner
from service.settings import Settings

API_ROUTERS: tuple[APIRouter, ...] = (
    health.router, documents.router, search.router, assessments.router, proposals.router,
    jobs.router, frameworks.router, audit.router, admin.router, chat.router,
    signatures.router, passages.router,
)
WEB_PACKAGE = "service.web"


def _include_web(app: FastAPI, settings: Settings) -> None:
    """Include the web UI when ``service.web`` exists (its ``install`` adds what it needs)."""
    if importlib.util.find_spec(WEB_PACKAGE) is None:
        return
    importlib.import_module(WEB_PACKAGE).install(app, settings)


def create_app(
    settings: Settings, *, embedder: Embedder | None = None, jobs: JobRunner | None = None,
    warm_up: bool = False,
) -> FastAPI:
    """The Assay service; its parts (database, embedder, catalogs, jobs) are built as it starts.

    The server's worker threads number ``api.threads``, which the database pool covers.
    With ``warm_up``, the local chat model loads in a background thread as the app starts,
    so that the first chat does not wait for it.
    """
    services = Services(settings, embedder=embedder, jobs=jobs)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        to_thread.current_default_thread_limiter().total_tokens = settings.api.threads
        await to_thread.run_sync(services.start)
        warming = threading.Thread(target=services.warm_up, name="assay-warm-up")
        if warm_up:
            warming.start()
        yield
        if warm_up:
            warming.join()
        services.close()

    app = FastAPI(
        title="Assay",
        summary="AI-assisted maturity assessments against compliance frameworks.",
        version="0.1.0",
        lifespan=lifespan,
    )
    app.state.services = services
    install_error_handlers(app)
    for router in API_ROUTERS:
        app.include_router(router)
    _include_web(app, settings)
    return app
