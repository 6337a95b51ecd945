"""Build the pipeline's parts from the settings: adapters chosen by mode."""

from __future__ import annotations

from service.components.embedding import Embedder, build_embedder
from service.components.vectorstore import build_vector_store
from service.db import make_engine, migrate, session_factory
from service.pipeline.context import PipelineContext
from service.settings import Settings


def build_context(settings: Settings, embedder: Embedder | None = None) -> PipelineContext:
    """Create the data dir, migrate the database and wire the adapters (models load lazily).

    ``embedder`` lets a long-lived process (or a test session) share one loaded model.
    """
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    engine = make_engine(settings.database_url, settings.db)
    migrate(engine)
    embedder = embedder or build_embedder(settings.embedding)
    store = build_vector_store(settings.vectorstore, settings.data_dir, embedder)
    return PipelineContext(
        settings=settings, sessions=session_factory(engine), embedder=embedder, store=store
    )
