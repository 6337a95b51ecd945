"""The vector store protocol: chunks with vectors, scoped to a workspace."""

from __future__ import annotations

from typing import Protocol

from service.domain.evidence import Chunk, SearchHit


class VectorStore(Protocol):
    """Stores chunk vectors per workspace; no query crosses a workspace."""

    def add(self, workspace: str, chunks: list[Chunk], vectors: list[list[float]]) -> None:
        """Insert or update chunks with their vectors."""
        ...

    def delete_document(self, workspace: str, document_id: str, keep: set[str]) -> None:
        """Remove a document's chunks, except the chunk ids in ``keep``."""
        ...

    def query(self, workspace: str, vector: list[float], k: int) -> list[SearchHit]:
        """The ``k`` nearest chunks, best first, with scores in [0, 1]."""
        ...

    def count(self, workspace: str) -> int:
        """How many chunks the workspace holds."""
        ...
