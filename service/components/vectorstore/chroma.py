"""Chroma, embedded (PersistentClient in the data dir) or as a server (HttpClient)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import chromadb
from chromadb.api import ClientAPI
from chromadb.api.models.Collection import Collection
from chromadb.api.types import EmbeddingFunction
from chromadb.config import Settings as ChromaSettings

from service.components.embedding.base import Embedder
from service.domain.evidence import Chunk, SearchHit
from service.errors import ConflictError

BATCH = 1000
COLLECTION_PREFIX = "assay-ws-"


class _AssayEmbeddingFunction(EmbeddingFunction):  # type: ignore[type-arg]
    """Our embedder, so that Chroma never loads (or downloads) its default model."""

    def __init__(self, embedder: Embedder) -> None:
        self._embedder = embedder

    def __call__(self, input: Any) -> Any:
        return self._embedder.embed(list(input))

    @staticmethod
    def name() -> str:
        return "assay"

    def get_config(self) -> dict[str, Any]:
        return {}


def persistent_client(path: Path) -> ClientAPI:
    """Chroma embedded in the data dir."""
    path.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(
        path=str(path), settings=ChromaSettings(anonymized_telemetry=False)
    )


def http_client(host: str, port: int) -> ClientAPI:
    """A Chroma server, shared by several processes."""
    return chromadb.HttpClient(
        host=host, port=port, settings=ChromaSettings(anonymized_telemetry=False)
    )


def _batches(items: list[Any]) -> Iterator[slice]:
    for start in range(0, len(items), BATCH):
        yield slice(start, start + BATCH)


class ChromaStore:
    """One collection per workspace, stamped with the model that built it."""

    def __init__(self, client: ClientAPI, embedder: Embedder) -> None:
        self._client = client
        self._embedder = embedder
        self._function = _AssayEmbeddingFunction(embedder)
        self._collections: dict[str, Collection] = {}

    def _collection(self, workspace: str) -> Collection:
        if workspace not in self._collections:
            stamp = {
                "embedding_model": self._embedder.model_name,
                "dimension": self._embedder.dimension,
            }
            collection = self._client.get_or_create_collection(
                COLLECTION_PREFIX + workspace,
                metadata=stamp,
                embedding_function=self._function,
                configuration={"hnsw": {"space": "cosine"}},
            )
            found = {key: (collection.metadata or {}).get(key) for key in stamp}
            if found != stamp:
                raise ConflictError(
                    f"workspace '{workspace}' was indexed with {found['embedding_model']} "
                    f"(dimension {found['dimension']}), but the configured model is "
                    f"{stamp['embedding_model']} (dimension {stamp['dimension']}); "
                    "use the same model, or re-ingest into a new data dir"
                )
            self._collections[workspace] = collection
        return self._collections[workspace]

    def add(self, workspace: str, chunks: list[Chunk], vectors: list[list[float]]) -> None:
        """Upsert in batches; metadata carries the provenance."""
        collection = self._collection(workspace)
        for part in _batches(chunks):
            batch = chunks[part]
            collection.upsert(
                ids=[c.chunk_id for c in batch],
                embeddings=vectors[part],  # type: ignore[arg-type]
                documents=[c.text for c in batch],
                metadatas=[_metadata(c) for c in batch],
            )

    def delete_document(self, workspace: str, document_id: str, keep: set[str]) -> None:
        """Delete the document's chunks that are not in ``keep``."""
        collection = self._collection(workspace)
        found = collection.get(where={"document_id": document_id}, include=[])
        stale = [chunk_id for chunk_id in found["ids"] if chunk_id not in keep]
        for part in _batches(stale):
            collection.delete(ids=stale[part])

    def query(self, workspace: str, vector: list[float], k: int) -> list[SearchHit]:
        """Nearest chunks by cosine similarity, clipped to [0, 1]."""
        collection = self._collection(workspace)
        result = collection.query(
            query_embeddings=[vector],  # type: ignore[arg-type]
            n_results=k,
            include=["documents", "metadatas", "distances"],
        )
        ids = result["ids"][0]
        texts = (result["documents"] or [[]])[0]
        metas = (result["metadatas"] or [[]])[0]
        distances = (result["distances"] or [[]])[0]
        return [
            SearchHit(chunk=_chunk(chunk_id, text, meta), score=min(1.0, max(0.0, 1.0 - dist)))
            for chunk_id, text, meta, dist in zip(ids, texts, metas, distances, strict=True)
        ]

    def count(self, workspace: str) -> int:
        """The number of chunks in the workspace's collection."""
        return self._collection(workspace).count()


def _metadata(chunk: Chunk) -> dict[str, str | int]:
    meta: dict[str, str | int] = {
        "workspace": chunk.workspace,
        "document_id": chunk.document_id,
        "document": chunk.document,
        "index": chunk.index,
        "heading": chunk.heading,
    }
    if chunk.page is not None:
        meta["page"] = chunk.page
    return meta


def _chunk(chunk_id: str, text: str, meta: Any) -> Chunk:
    page = meta.get("page")
    return Chunk(
        chunk_id=chunk_id,
        workspace=str(meta["workspace"]),
        document_id=str(meta["document_id"]),
        document=str(meta["document"]),
        index=int(meta["index"]),
        text=text,
        page=int(page) if page is not None else None,
        heading=str(meta.get("heading", "")),
    )
