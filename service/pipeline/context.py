"""What the pipeline works with: settings, database sessions, the embedder and the store.

``Session`` is the unit of work that pipeline functions taking a ``session`` expect; front
ends get it from ``PipelineContext.sessions`` and name its type from here, not from ``db``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from service.components.embedding import Embedder
from service.components.vectorstore import VectorStore
from service.db import Session, UnitOfWork, sessionmaker
from service.settings import Settings

__all__ = ["PipelineContext", "Session", "sessionmaker"]


@dataclass(frozen=True)
class PipelineContext:
    """The shared parts, built once per process by ``service.composition``.

    ``with context.sessions() as session:`` is one block of database work; the outermost
    block gives its connection back to the pool when it ends.
    """

    settings: Settings
    sessions: sessionmaker[Session]
    embedder: Embedder
    store: VectorStore

    def unit_of_work(self) -> PipelineContext:
        """The same parts with one shared session, for one request (or one job step).

        Every block of database work through the returned context, in routes, dependencies
        and pipeline functions alike, uses that session: the request never holds two
        pooled connections, and holds one only while a block runs. ``close_work`` ends it.
        """
        if isinstance(self.sessions, UnitOfWork):
            return self
        return replace(self, sessions=UnitOfWork(self.sessions))

    def close_work(self) -> None:
        """Give back the connection of this context's unit of work, if it holds one."""
        if isinstance(self.sessions, UnitOfWork):
            self.sessions.close()
