"""Deterministic hashed bag-of-words vectors, for tests whose subject is something else."""

from __future__ import annotations

import hashlib
import math
import re

WORD = re.compile(r"\w+")


class FakeEmbedder:
    """Same text, same vector; shared words make vectors close. No model is loaded."""

    def __init__(self, dimension: int = 64) -> None:
        self._dimension = dimension

    @property
    def model_name(self) -> str:
        """A name that can never be confused with a real model."""
        return f"fake-hash-{self._dimension}"

    @property
    def dimension(self) -> int:
        """The configured vector length."""
        return self._dimension

    def embed(self, texts: list[str]) -> list[list[float]]:
        """Hash each lower-cased word into a bucket; normalise."""
        return [self._vector(text) for text in texts]

    def _vector(self, text: str) -> list[float]:
        vector = [0.0] * self._dimension
        for word in WORD.findall(text.lower()):
            digest = hashlib.blake2b(word.encode(), digest_size=4).digest()
            vector[int.from_bytes(digest, "big") % self._dimension] += 1.0
        norm = math.sqrt(sum(v * v for v in vector)) or 1.0
        return [v / norm for v in vector]
