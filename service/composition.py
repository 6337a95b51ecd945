"""The composition root: the one place that builds Assay's parts from the settings.

The API, the pages, the CLI, the benchmarks and the evals all build what they use here:
the database (created and migrated), the adapters chosen by mode, the pipeline context,
the catalog registry, the LLM and the job runner; at run time, built once per process at
start-up, the models loading once. Front ends import this module, the pipeline, the
domain, the settings and the errors, and never ``db`` or ``components``.
"""

from __future__ import annotations

import copy
import logging
import threading
from collections.abc import Callable
from typing import Generic, TypeVar

from service.components.catalog import CatalogRegistry, build_registry, import_framework
from service.components.embedding import Embedder, build_embedder
from service.components.jobs import JobRunner, build_dispatcher, run_worker
from service.components.llm import LLM, build_llm
from service.components.vectorstore import build_vector_store
from service.db import Session
from service.errors import AssayError
from service.pipeline.assess import AssessmentRequest
from service.pipeline.assessment_jobs import KIND as ASSESSMENT_JOB
from service.pipeline.assessment_jobs import RATIONALES as RATIONALES_JOB
from service.pipeline.assessment_jobs import (
    assessment_handler,
    rationale_handler,
    start_assessment_job,
)
from service.pipeline.chat import prime_chat_model
from service.pipeline.context import PipelineContext
from service.pipeline.export_jobs import KIND as EXPORT_JOB
from service.pipeline.export_jobs import export_handler, sweep_exports
from service.pipeline.ingest_reconcile import Reconciled, reconcile
from service.pipeline.jobs import JobService
from service.pipeline.projection_jobs import KIND as PROJECTION_JOB
from service.pipeline.projection_jobs import projection_handler
from service.pipeline.scoring_setup import needs_llm
from service.pipeline.storage import open_database
from service.pipeline.upload import sweep_uploads
from service.pipeline.upload_jobs import KIND as UPLOAD_JOB
from service.pipeline.upload_jobs import upload_handler
from service.settings import Settings

__all__ = [
    "LLM",
    "CatalogRegistry",
    "Embedder",
    "Services",
    "build_context",
    "build_llm",
    "build_registry",
    "import_framework",
    "open_database",
]

logger = logging.getLogger(__name__)
T = TypeVar("T")


class Lazy(Generic[T]):
    """A part built once, on first use, under its own lock."""

    def __init__(self, build: Callable[[], T]) -> None:
        self._build = build
        self._value: T | None = None
        self._lock = threading.Lock()

    def get(self) -> T:
        """The part, built now if it is not yet."""
        with self._lock:
            if self._value is None:
                self._value = self._build()
            return self._value

    @property
    def ready(self) -> bool:
        """Whether the part is built."""
        return self._value is not None

    def take(self) -> T | None:
        """The part if it was built, forgotten from now on."""
        with self._lock:
            value, self._value = self._value, None
            return value


def build_context(settings: Settings, embedder: Embedder | None = None) -> PipelineContext:
    """Open (and migrate) the database and wire the adapters (models load lazily).

    ``embedder`` lets a long-lived process (or a test session) share one loaded model.
    """
    sessions = open_database(settings)
    embedder = embedder or build_embedder(settings.embedding)
    store = build_vector_store(settings.vectorstore, settings.data_dir, embedder)
    return PipelineContext(settings=settings, sessions=sessions, embedder=embedder, store=store)


class Services:
    """The pipeline context, the catalog registry, the LLM and the job runner of one process.

    ``start`` builds the database, the embedder, the store and the catalogs as the app
    starts; the chat model loads on first use (or in the warm-up). ``for_request`` gives a
    request its own view, whose context has one unit of work.
    """

    def __init__(
        self, settings: Settings, embedder: Embedder | None = None,
        jobs: JobRunner | None = None,
    ) -> None:
        self.settings = settings
        self._context = Lazy(lambda: build_context(settings, embedder))
        self._registry = Lazy(lambda: build_registry(settings))
        self._jobs: Lazy[JobRunner] = Lazy(lambda: jobs or self._job_service())
        self._llm = Lazy(lambda: build_llm(settings.llm, settings.data_dir))
        self._request_context: PipelineContext | None = None
        self._stopping = threading.Event()

    @property
    def context(self) -> PipelineContext:
        """Database sessions, the embedder and the vector store (a request's own sessions)."""
        return self._request_context or self._context.get()

    @property
    def registry(self) -> CatalogRegistry:
        """The built-in and imported frameworks."""
        return self._registry.get()

    @property
    def jobs(self) -> JobRunner:
        """The background job runner."""
        return self._jobs.get()

    def chat_llm(self) -> LLM:
        """The configured chat model, loaded on first use."""
        return self._llm.get()

    def scoring_llm(self) -> LLM | None:
        """The model assessment scoring calls, or None when the settings need none."""
        return self.chat_llm() if needs_llm(self.settings.scoring) else None

    def start_assessment(self, session: Session, request: AssessmentRequest, actor: str) -> str:
        """Check an assessment request, then run it as a background job; returns the job id.

        The job outlives the request: it gets the app's context, not the request's unit of
        work.
        """
        return start_assessment_job(self.jobs, self.registry, session, request, actor)

    def _job_service(self) -> JobService:
        """The jobs of this process: kept in the database, run by the configured back end.

        The handlers get the app's context, not a request's unit of work: a job outlives
        the request that started it, and may run in another process.
        """
        context = self._context.get()
        handlers = {
            ASSESSMENT_JOB: assessment_handler(context, self.registry, self.scoring_llm,
                                               lambda: self.jobs),
            RATIONALES_JOB: rationale_handler(context, self.scoring_llm),
            UPLOAD_JOB: upload_handler(context),
            EXPORT_JOB: export_handler(context, self.registry),
            PROJECTION_JOB: projection_handler(context, self.registry, self.scoring_llm),
        }
        service = JobService(context.sessions, handlers, self.settings.jobs,
                             hold_queued=self.settings.jobs.mode == "threads")
        service.attach(build_dispatcher(self.settings.jobs, service.execute))
        return service

    def run_worker(self) -> None:
        """Be a Celery worker (`assay worker`): run queued jobs until stopped.

        The parts load once for the process: the database, the embedder, the store, the
        catalogs now, the chat model with the first job that needs it.
        """
        self.start()
        jobs = self.jobs
        if not isinstance(jobs, JobService):
            raise TypeError("a worker runs the database-backed job service")
        try:
            run_worker(self.settings.jobs, jobs.execute, jobs.stopping.set)
        finally:
            self.close()

    def for_request(self) -> Services:
        """These services for one request: the same parts, one unit of work for the database.

        Not for background jobs, which outlive the request: give them the app's services.
        """
        view = copy.copy(self)
        view._request_context = self._context.get().unit_of_work()
        return view

    def start(self) -> None:
        """Build what requests need: database (migrated), embedding model, store, catalogs.

        Then reconcile the database with the store: ingests that died, orphan chunks.
        """
        _ = self.context.embedder.dimension, self.registry, self.jobs  # dimension loads the model
        self._reconcile()
        every = self.settings.ingest.reconcile_seconds
        if every > 0:
            threading.Thread(target=self._reconcile_every, args=(every,),
                             name="assay-reconcile", daemon=True).start()

    def _reconcile(self) -> None:
        """Clear ingests whose lease expired and chunks no ready document owns."""
        done = reconcile(self._context.get())
        if done != Reconciled():
            logger.info("reconcile: %s", done)
        swept = sweep_uploads(self.settings.data_dir)
        if swept:
            logger.info("reconcile: removed %d upload folders older than a day", swept)
        expired = sweep_exports(self.settings)
        if expired:
            logger.info("reconcile: removed %d export files past their retention", expired)

    def _reconcile_every(self, seconds: float) -> None:
        while not self._stopping.wait(seconds):
            try:
                self._reconcile()
            except Exception:  # a store or database hiccup: try again next time
                logger.warning("the periodic reconcile failed", exc_info=True)

    def warm_up(self) -> None:
        """Load the local model, and evaluate the chat's system prompt, before the first chat.

        A failure is logged, not raised: the request that needs the model reports it.
        """
        if self.settings.llm.mode != "local":
            return
        try:
            prime_chat_model(self.chat_llm())
        except AssayError as error:
            logger.warning("warm-up stopped: %s", error)
            return
        logger.info("warm-up done: the local model is loaded")

    def close(self) -> None:
        """Stop the background jobs (running ones stop at their next step) and the reconcile."""
        self._stopping.set()
        jobs = self._jobs.take()
        if jobs is not None:
            jobs.shutdown()
