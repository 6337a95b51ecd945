"""The chat-model protocol that the pipeline uses, whatever the provider."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Protocol, TypeVar, runtime_checkable

from pydantic import BaseModel

from service.errors import AssayError

T = TypeVar("T", bound=BaseModel)


@dataclass(frozen=True)
class Usage:
    """Cumulative token counts and number of model calls, for benchmarks."""

    prompt_tokens: int = 0
    completion_tokens: int = 0
    calls: int = 0


class LLMOutputError(AssayError):
    """A model reply that does not fit the requested options or schema, even on retry."""

    status_code = 502
    code = "llm_output"


class LLM(Protocol):
    """A chat model behind one small interface: system prompt, user prompt, answer."""

    @property
    def model_id(self) -> str:
        """Provider and model, e.g. ``local:qwen2.5-coder-1.5b-instruct-q4_k_m``."""
        ...

    def choose(self, system: str, user: str, options: Sequence[str]) -> str:
        """Answer with exactly one of ``options``, constrained where the provider allows."""
        ...

    def generate(self, system: str, user: str, max_tokens: int) -> str:
        """Free text, greedy, at most ``max_tokens`` tokens."""
        ...

    def stream(self, system: str, user: str, max_tokens: int) -> Iterator[str]:
        """The same as ``generate``, piece by piece as the model produces them."""
        ...

    def structured(self, system: str, user: str, schema: type[T]) -> T:
        """An instance of ``schema``, decoded under its JSON schema where possible."""
        ...

    def usage(self) -> Usage:
        """Token counts and calls so far."""
        ...


@runtime_checkable
class OptionScorer(Protocol):
    """A model that can say how probable each of a few one-word answers is.

    Providers that expose token probabilities (the in-process llama.cpp model) implement it;
    the others return None and callers fall back to ``LLM.choose``.
    """

    def option_probabilities(self, system: str, user: str,
                             options: Sequence[str]) -> dict[str, float] | None:
        """The probability of each option as the reply's first token, summing to 1, or None."""
        ...
