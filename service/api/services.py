"""What the routes share, built once per process at start-up: the models load once."""

from __future__ import annotations

import copy
import logging
import threading
from collections.abc import Callable
from typing import Generic, TypeVar

from service.components.catalog import CatalogRegistry, build_registry
from service.components.embedding import Embedder
from service.components.jobs import JobRunner, build_job_runner
from service.components.llm import LLM, build_llm
from service.errors import AssayError
from service.pipeline.chat import prime_chat_model
from service.pipeline.context import PipelineContext
from service.pipeline.scoring_setup import needs_llm
from service.settings import Settings
from service.wiring import build_context

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


class Services:
    """The pipeline context, the catalog registry, the LLM and the job runner of one app.

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
        self._jobs = Lazy(lambda: jobs or build_job_runner(settings.jobs))
        self._llm = Lazy(lambda: build_llm(settings.llm, settings.data_dir))
        self._request_context: PipelineContext | None = None

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

    def for_request(self) -> Services:
        """These services for one request: the same parts, one unit of work for the database.

        Not for background jobs, which outlive the request: give them the app's services.
        """
        view = copy.copy(self)
        view._request_context = self._context.get().unit_of_work()
        return view

    def start(self) -> None:
        """Build what requests need: database (migrated), embedding model, store, catalogs."""
        _ = self.context.embedder.dimension, self.registry, self.jobs  # dimension loads the model

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
        """Stop the background jobs (running ones stop at their next step)."""
        jobs = self._jobs.take()
        if jobs is not None:
            jobs.shutdown()
