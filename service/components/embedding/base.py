"""The embedding protocol that every adapter satisfies."""

from __future__ import annotations

from typing import Protocol


class Embedder(Protocol):
    """Turns texts into unit-length vectors."""

    @property
    def model_name(self) -> str:
        """The model's name, recorded on every collection it builds."""
        ...

    @property
    def dimension(self) -> int:
        """The length of each vector."""
        ...

    def embed(self, texts: list[str]) -> list[list[float]]:
        """Embed texts in batches; vectors are normalised to unit length."""
        ...
