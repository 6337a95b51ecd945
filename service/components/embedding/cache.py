"""Vectors of fixed texts (catalog titles, assessment queries), kept in memory and on disk.

The texts of a framework's catalog change only with the catalog, so their vectors are
computed once per embedding model: a file ``<label>-<digest>.npy`` in the cache directory,
where the digest covers the model's name and every text, in order.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import numpy as np

from service.components.embedding.base import Embedder

_memory: dict[str, np.ndarray] = {}


def cached_vectors(embedder: Embedder, texts: list[str], cache_dir: Path,
                   label: str) -> np.ndarray:
    """The vectors of ``texts``, one row each, embedded only when no cache holds them."""
    digest = hashlib.sha256(
        "\n".join([embedder.model_name, *texts]).encode("utf-8")).hexdigest()[:16]
    key = f"{label}-{digest}"
    if key not in _memory:
        path = cache_dir / f"{key}.npy"
        if path.is_file():
            _memory[key] = np.load(path)
        else:
            vectors = np.asarray(embedder.embed(texts), dtype=np.float64)  # exactly as embedded
            cache_dir.mkdir(parents=True, exist_ok=True)
            temp = path.with_name(f".{path.name}.{os.getpid()}.npy")
            np.save(temp, vectors)
            temp.replace(path)  # a reader never sees half a file
            _memory[key] = vectors
    return _memory[key]
