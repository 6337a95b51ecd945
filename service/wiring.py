"""Build the pipeline's parts from the settings: adapters chosen by mode."""

from __future__ import annotations

from service.components.embedding import Embedder, build_embedder
from service.components.vectorstore import build_vector_store
from service.pipeline.context import PipelineContext
from service.pipeline.storage import open_database
from service.settings import Settings


def build_context(settings: Settings, embedder: Embedder | None = None) -> PipelineContext:
    """Open (and migrate) the database and wire the adapters (models load lazily).

    ``embedder`` lets a long-lived process (or a test session) share one loaded model.
    """
    sessions = open_database(settings)
    embedder = embedder or build_embedder(settings.embedding)
    store = build_vector_store(settings.vectorstore, settings.data_dir, embedder)
    return PipelineContext(
        settings=settings, sessions=sessions, embedder=embedder, store=store
    )
