"""Embedding adapters, chosen by ``settings.embedding.mode``."""

from __future__ import annotations

from service.components.embedding.base import Embedder
from service.components.embedding.fake import FakeEmbedder
from service.components.embedding.local import LocalEmbedder
from service.settings import EmbeddingSettings


def build_embedder(settings: EmbeddingSettings) -> Embedder:
    """The adapter for the configured mode."""
    if settings.mode == "fake":
        return FakeEmbedder()
    return LocalEmbedder(batch_size=settings.batch_size, device=settings.device,
                         model=settings.model, backend=settings.backend,
                         export_dir=settings.export_dir)


__all__ = ["Embedder", "FakeEmbedder", "LocalEmbedder", "build_embedder"]
