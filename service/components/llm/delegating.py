"""A model that passes every call to another: the base of wrappers that watch the calls."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TypeVar

from pydantic import BaseModel

from service.components.llm.base import LLM, OptionScorer, Usage

T = TypeVar("T", bound=BaseModel)


class DelegatingLLM:
    """Implements ``LLM`` by calling ``inner``; subclasses override the calls they watch."""

    def __init__(self, inner: LLM) -> None:
        self.inner = inner

    @property
    def model_id(self) -> str:
        """The inner model's id."""
        return self.inner.model_id

    def choose(self, system: str, user: str, options: Sequence[str]) -> str:
        """The inner model's choice."""
        return self.inner.choose(system, user, options)

    def option_probabilities(self, system: str, user: str,
                             options: Sequence[str]) -> dict[str, float] | None:
        """The inner model's option probabilities, None when it has none."""
        if isinstance(self.inner, OptionScorer):
            return self.inner.option_probabilities(system, user, options)
        return None

    def generate(self, system: str, user: str, max_tokens: int) -> str:
        """The inner model's text."""
        return self.inner.generate(system, user, max_tokens)

    def stream(self, system: str, user: str, max_tokens: int) -> Iterator[str]:
        """The inner model's pieces."""
        return self.inner.stream(system, user, max_tokens)

    def structured(self, system: str, user: str, schema: type[T]) -> T:
        """The inner model's instance of ``schema``."""
        return self.inner.structured(system, user, schema)

    def usage(self) -> Usage:
        """The inner model's counts."""
        return self.inner.usage()
