"""The vector store protocol: chunks and their sentences with vectors, scoped to a workspace."""

from __future__ import annotations

from typing import Protocol

from service.components.vectorstore.table import VectorTable
from service.domain.evidence import Chunk, EvidenceKind, SearchHit, Sentence
from service.domain.visibility import Visible


class VectorStore(Protocol):
    """Stores chunk and sentence vectors per workspace; no query crosses a workspace."""

    def add(self, workspace: str, chunks: list[Chunk], vectors: list[list[float]]) -> None:
        """Insert or update chunks with their vectors."""
        ...

    def add_sentences(
        self, workspace: str, sentences: list[Sentence], vectors: list[list[float]]
    ) -> None:
        """Insert or update the sentences of chunks with their vectors."""
        ...

    def delete_document(self, workspace: str, document_id: str, keep: set[str]) -> None:
        """Remove a document's chunks and their sentences, except the chunk ids in ``keep``."""
        ...

    def reassign(self, workspace: str, document_id: str, prefix: str, owner: str) -> None:
        """Give the document's chunks of ``prefix``, and their sentences, to ``owner``."""
        ...

    def query(
        self,
        workspace: str,
        vectors: list[list[float]],
        k: int,
        kind: EvidenceKind | None = None,
        visible: Visible | None = None,
    ) -> list[list[SearchHit]]:
        """For each vector, the ``k`` nearest unscreened chunks (of one kind, if given).

        With ``visible``, only chunks of the shown documents' current versions.
        """
        ...

    def above(self, workspace: str, vectors: list[list[float]], floor: float,
              visible: Visible, sentences: bool = False) -> dict[str, float]:
        """Every shown chunk whose cosine to some vector reaches ``floor``, with the best.

        With ``sentences``, a chunk's best is that of its stored sentences. Exhaustive over
        the floor (not a top-k), screened chunks included.
        """
        ...

    def table(self, workspace: str, sentences: bool = False) -> VectorTable | None:
        """Every stored vector of the workspace's chunks (or sentences), for an exact search.

        None when there are too many to hold: then ``above`` searches the index.
        """
        ...

    def search_text(self, workspace: str, query: str, k: int,
                    visible: Visible | None = None) -> list[tuple[str, float]]:
        """Up to ``k`` (chunk id, BM25 score) of unscreened shown chunks, best first."""
        ...

    def chunks(
        self, workspace: str, ids: list[str] | None = None, visible: Visible | None = None
    ) -> list[Chunk]:
        """The chunks with these ids (all of the workspace's for None), in index order.

        With ``visible``, only those of the shown documents' current versions.
        """
        ...

    def chunk_vectors(self, workspace: str, ids: list[str]) -> dict[str, list[float]]:
        """The stored vectors of these chunks."""
        ...

    def sentences(
        self, workspace: str, chunk_ids: list[str]
    ) -> tuple[list[Sentence], list[list[float]]]:
        """The sentences of these chunks with their vectors."""
        ...

    def count(self, workspace: str) -> int:
        """How many chunks the workspace holds."""
        ...

    def workspaces(self) -> list[str]:
        """The workspaces the store holds vectors for."""
        ...

    def chunk_owners(self, workspace: str, page: int = 1000) -> dict[str, str]:
        """Every chunk id the workspace holds (as chunk or sentence), with its document id.

        Read from the store ``page`` records at a time.
        """
        ...

    def delete_chunks(self, workspace: str, chunk_ids: list[str]) -> None:
        """Delete these chunks and their sentences."""
        ...
