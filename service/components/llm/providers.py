"""One builder per provider; backends are imported only when their mode is chosen."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import SecretStr

from service.components.llm.langchain_llm import ChatModelLLM
from service.components.llm.markers import KNOWN_MARKERS, Neutraliser
from service.components.llm.weights import QWEN_CODER_1_5B_Q4_K_M, ensure_model_file
from service.errors import ConflictError, MissingExtraError
from service.settings import (
    LocalLLMSettings,
    OllamaSettings,
    OpenAISettings,
    is_loopback_url,
)

if TYPE_CHECKING:
    from service.components.llm.llamacpp import LlamaRuntime

BLOCK_REMOTE_ENV = "ASSAY_BLOCK_REMOTE_LLM"
OPENAI_DEFAULT_URL = "https://api.openai.com/v1"
UNUSED_API_KEY = "no-key"  # keyless local servers; never fall back to OPENAI_API_KEY


def refuse_blocked_remote(url: str) -> None:
    """Under ``ASSAY_BLOCK_REMOTE_LLM=1`` (set by the tests), only loopback URLs pass."""
    if os.environ.get(BLOCK_REMOTE_ENV) == "1" and not is_loopback_url(url):
        raise ConflictError(
            f"{BLOCK_REMOTE_ENV}=1 forbids calling a model at {url}; "
            "only loopback endpoints are allowed"
        )


def local_llm(
    settings: LocalLLMSettings, data_dir: Path, special_tokens: Sequence[str] = ()
) -> ChatModelLLM:
    """The packaged GGUF, assembled and checked on first use, loaded once per process."""
    from service.components.llm.llamacpp import load_llama

    model_path = ensure_model_file(
        data_dir / "models" / settings.model_file, QWEN_CODER_1_5B_Q4_K_M
    )
    runtime = load_llama(str(model_path), settings.n_ctx, settings.n_threads or os.cpu_count() or 1)
    return llama_cpp_llm(runtime, model_path.stem, special_tokens)


def llama_cpp_llm(
    runtime: LlamaRuntime, model_name: str, special_tokens: Sequence[str] = ()
) -> ChatModelLLM:
    """A loaded llama.cpp model; prompts lose every special-token string of its vocabulary."""
    from service.components.llm.llamacpp import ChatLlamaCpp

    return ChatModelLLM(
        ChatLlamaCpp(runtime=runtime, model_name=model_name),
        model_id=f"local:{model_name}",
        constraint="llama_cpp",
        neutraliser=Neutraliser((*KNOWN_MARKERS, *special_tokens, *runtime.special_tokens())),
    )


def openai_llm(
    settings: OpenAISettings, max_concurrency: int, special_tokens: Sequence[str] = ()
) -> ChatModelLLM:
    """``ChatOpenAI`` on the configured endpoint, greedy, with usage in streams."""
    base_url = settings.base_url or OPENAI_DEFAULT_URL
    refuse_blocked_remote(base_url)
    try:
        from langchain_openai import ChatOpenAI
    except ImportError as error:
        raise MissingExtraError(
            "mode openai needs langchain-openai: pip install -e '.[openai]'"
        ) from error
    chat_model = ChatOpenAI(
        model=settings.model,
        base_url=base_url,
        api_key=settings.api_key or SecretStr(UNUSED_API_KEY),
        timeout=settings.timeout,
        temperature=0,
        seed=0,
        stream_usage=True,
        max_retries=1,
    )
    return ChatModelLLM(
        chat_model,
        model_id=f"openai:{settings.model}",
        constraint="llama_cpp_server" if settings.dialect == "llama_cpp" else "json_schema",
        max_concurrency=max_concurrency,
        neutraliser=Neutraliser((*KNOWN_MARKERS, *special_tokens)),
    )


def ollama_llm(
    settings: OllamaSettings, max_concurrency: int, special_tokens: Sequence[str] = ()
) -> ChatModelLLM:
    """``ChatOllama`` on the configured server, greedy; schemas go in ``format``."""
    refuse_blocked_remote(settings.base_url)
    try:
        from langchain_ollama import ChatOllama
    except ImportError as error:
        raise MissingExtraError(
            "mode ollama needs langchain-ollama: pip install -e '.[ollama]'"
        ) from error
    chat_model = ChatOllama(model=settings.model, base_url=settings.base_url, temperature=0, seed=0)
    return ChatModelLLM(
        chat_model,
        model_id=f"ollama:{settings.model}",
        constraint="json_schema",
        max_tokens_field="num_predict",
        max_concurrency=max_concurrency,
        neutraliser=Neutraliser((*KNOWN_MARKERS, *special_tokens)),
    )


def fake_llm(responses: Sequence[str]) -> ChatModelLLM:
    """LangChain's scripted chat model: replies cycle through ``responses`` in order."""
    from langchain_core.language_models.fake_chat_models import FakeListChatModel

    return ChatModelLLM(
        FakeListChatModel(responses=list(responses)),
        model_id="fake",
        constraint="prompt",
        max_tokens_field=None,
    )
