"""What the API's routes share, built lazily and once per process: the models load once."""

from __future__ import annotations

import logging
import threading

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


class Services:
    """The pipeline context, the catalog registry, the LLM and the job runner of one app.

    Each part is built on first use, under a lock, so that concurrent first requests
    build it once.
    """

    def __init__(
        self, settings: Settings, embedder: Embedder | None = None,
        jobs: JobRunner | None = None,
    ) -> None:
        self.settings = settings
        self._embedder = embedder
        self._lock = threading.Lock()
        self._context: PipelineContext | None = None
        self._registry: CatalogRegistry | None = None
        self._jobs = jobs
        self._llm: LLM | None = None
        self._llm_lock = threading.Lock()  # loading the model does not hold up other parts

    @property
    def context(self) -> PipelineContext:
        """Database sessions, the embedder and the vector store (migrates on first use)."""
        with self._lock:
            if self._context is None:
                self._context = build_context(self.settings, self._embedder)
            return self._context

    @property
    def registry(self) -> CatalogRegistry:
        """The built-in and imported frameworks."""
        with self._lock:
            if self._registry is None:
                self._registry = build_registry(self.settings)
            return self._registry

    @property
    def jobs(self) -> JobRunner:
        """The background job runner."""
        with self._lock:
            if self._jobs is None:
                self._jobs = build_job_runner(self.settings.jobs)
            return self._jobs

    def chat_llm(self) -> LLM:
        """The configured chat model, loaded on first use."""
        with self._llm_lock:
            if self._llm is None:
                self._llm = build_llm(self.settings.llm, self.settings.data_dir)
            return self._llm

    def scoring_llm(self) -> LLM | None:
        """The model assessment scoring calls, or None when the settings need none."""
        return self.chat_llm() if needs_llm(self.settings.scoring) else None

    def warm_up(self) -> None:
        """Load what the first requests need: database, embedder, catalogs, local model.

        With the local model, the chat's system prompt is evaluated too. A failure is
        logged, not raised: the request that needs the part reports it.
        """
        try:
            _ = self.context, self.registry
            if self.settings.llm.mode == "local":
                prime_chat_model(self.chat_llm())
        except AssayError as error:
            logger.warning("warm-up stopped: %s", error)
            return
        logger.info("warm-up done: models loaded")

    def close(self) -> None:
        """Stop the background jobs (running ones stop at their next step)."""
        with self._lock:
            jobs, self._jobs = self._jobs, None
        if jobs is not None:
            jobs.shutdown()
