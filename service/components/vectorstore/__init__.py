"""Vector store adapters, chosen by ``settings.vectorstore.mode``."""

from __future__ import annotations

from pathlib import Path

from service.components.embedding.base import Embedder
from service.components.lexical.persistent import PersistentLexicalIndex
from service.components.vectorstore.base import VectorStore
from service.components.vectorstore.chroma import ChromaStore, http_client, persistent_client
from service.settings import VectorStoreSettings


def build_vector_store(
    settings: VectorStoreSettings, data_dir: Path, embedder: Embedder
) -> VectorStore:
    """Chroma in the data dir, or the configured Chroma server."""
    if settings.mode == "http":
        client = http_client(settings.host, settings.port)
    else:
        client = persistent_client(data_dir / "chroma")
    return ChromaStore(client, embedder, PersistentLexicalIndex(data_dir / "lexical"))


__all__ = ["ChromaStore", "VectorStore", "build_vector_store"]
