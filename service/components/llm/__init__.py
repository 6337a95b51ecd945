"""Chat-model adapters, chosen by ``settings.llm.mode``."""

from __future__ import annotations

from pathlib import Path

from service.components.llm.base import LLM, LLMOutputError, Usage
from service.components.llm.delegating import DelegatingLLM
from service.components.llm.langchain_llm import ChatModelLLM
from service.components.llm.providers import fake_llm, local_llm, ollama_llm, openai_llm
from service.settings import LLMSettings


def build_llm(settings: LLMSettings, data_dir: Path) -> LLM:
    """The adapter for the configured mode; the local model is assembled on first use."""
    extra = settings.special_tokens
    if settings.mode == "openai":
        return openai_llm(settings.openai, settings.max_concurrency, extra)
    if settings.mode == "ollama":
        return ollama_llm(settings.ollama, settings.max_concurrency, extra)
    if settings.mode == "fake":
        return fake_llm(settings.fake.responses)
    return local_llm(settings.local, data_dir, extra)


__all__ = [
    "LLM", "ChatModelLLM", "DelegatingLLM", "LLMOutputError", "Usage", "build_llm", "fake_llm",
]
