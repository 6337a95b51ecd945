"""What the pipeline works with: settings, database sessions, the embedder and the store."""

from __future__ import annotations

from dataclasses import dataclass

from service.components.embedding import Embedder
from service.components.vectorstore import VectorStore
from service.db import Session, sessionmaker
from service.settings import Settings


@dataclass(frozen=True)
class PipelineContext:
    """The shared parts, built once per process by ``service.wiring``."""

    settings: Settings
    sessions: sessionmaker[Session]
    embedder: Embedder
    store: VectorStore
