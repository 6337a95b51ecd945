"""A LangChain chat model over llama-cpp-python, in-process, greedy and grammar-aware."""

from __future__ import annotations

import atexit
import threading
from collections.abc import Iterator, Sequence
from functools import cache
from typing import Any

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage
from langchain_core.messages.ai import UsageMetadata
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult
from pydantic import ConfigDict

from service.components.llm.weights import LOCAL_EXTRA_HINT
from service.errors import MissingExtraError

ROLES = {"system": "system", "human": "user", "ai": "assistant"}
SEED = 0


class LlamaRuntime:
    """A loaded ``llama_cpp.Llama`` and the lock that keeps it to one call at a time."""

    def __init__(self, llama: Any) -> None:
        self.llama = llama
        self.lock = threading.Lock()
        self._special: frozenset[str] | None = None

    def special_tokens(self) -> frozenset[str]:
        """The text of every special token in the model's vocabulary, read once."""
        with self.lock:
            if self._special is None:
                self._special = special_token_texts(self.llama)
            return self._special


def special_token_texts(llama: Any) -> frozenset[str]:
    """The text of every control, user-defined or unknown token of a loaded ``Llama``.

    These are the strings that llama.cpp turns into single special tokens when it
    tokenises a chat prompt (special=True); a vocab-only model is enough.
    """
    import llama_cpp

    vocab = llama_cpp.llama_model_get_vocab(llama.model)
    special = (llama_cpp.LLAMA_TOKEN_ATTR_UNKNOWN | llama_cpp.LLAMA_TOKEN_ATTR_CONTROL
               | llama_cpp.LLAMA_TOKEN_ATTR_USER_DEFINED)
    texts = (
        llama.detokenize([token], special=True).decode("utf-8", errors="replace")
        for token in range(llama_cpp.llama_vocab_n_tokens(vocab))
        if llama_cpp.llama_vocab_get_attr(vocab, token) & special
    )
    return frozenset(text for text in texts if text.strip())


_loaded: dict[tuple[str, int, int], LlamaRuntime] = {}
_loading = threading.Lock()


def load_llama(model_path: str, n_ctx: int, n_threads: int) -> LlamaRuntime:
    """Load a GGUF once per process for each path and runtime setting."""
    key = (model_path, n_ctx, n_threads)
    with _loading:
        if key not in _loaded:
            try:
                from llama_cpp import Llama
            except ImportError as error:
                raise MissingExtraError(
                    f"the local model needs llama-cpp-python: {LOCAL_EXTRA_HINT}"
                ) from error
            llama = Llama(
                model_path=model_path, n_ctx=n_ctx, n_threads=n_threads, seed=SEED, verbose=False
            )
            _loaded[key] = LlamaRuntime(llama)
        return _loaded[key]


@atexit.register
def _close_loaded_models() -> None:
    # Closed before interpreter shutdown: Llama.__del__ fails once modules are torn down.
    with _loading:
        for runtime in _loaded.values():
            runtime.llama.close()
        _loaded.clear()


@cache
def _compiled_grammar(gbnf: str) -> Any:
    from llama_cpp.llama_grammar import LlamaGrammar

    return LlamaGrammar.from_string(gbnf, verbose=False)


def usage_metadata(prompt_tokens: int, completion_tokens: int) -> UsageMetadata:
    """LangChain's usage record from llama.cpp's counts."""
    return UsageMetadata(
        input_tokens=prompt_tokens,
        output_tokens=completion_tokens,
        total_tokens=prompt_tokens + completion_tokens,
    )


class ChatLlamaCpp(BaseChatModel):
    """Chat completions from an in-process llama.cpp model, temperature 0 by default.

    Call kwargs (e.g. through ``bind``): ``grammar`` (a GBNF string), ``response_format``
    (``{"type": "json_object", "schema": {...}}``) and ``max_tokens``. Token counts are
    reported in ``usage_metadata``.
    """

    model_config = ConfigDict(arbitrary_types_allowed=True)

    runtime: LlamaRuntime
    model_name: str
    max_tokens: int = 256
    temperature: float = 0.0

    @property
    def _llm_type(self) -> str:
        return "llama-cpp"

    @property
    def _identifying_params(self) -> dict[str, Any]:
        return {"model_name": self.model_name, "max_tokens": self.max_tokens}

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        with self.runtime.lock:
            response = self.runtime.llama.create_chat_completion(
                **self._request(messages, stop, kwargs)
            )
        choice = response["choices"][0]
        counts = response["usage"]
        message = AIMessage(
            content=choice["message"]["content"] or "",
            response_metadata={
                "model_name": self.model_name,
                "finish_reason": choice["finish_reason"],
            },
            usage_metadata=usage_metadata(counts["prompt_tokens"], counts["completion_tokens"]),
        )
        return ChatResult(generations=[ChatGeneration(message=message)])

    def _stream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> Iterator[ChatGenerationChunk]:
        """Stream text pieces, then a last chunk with estimated counts.

        llama.cpp sends no counts when streaming: each piece counts as one token, and the
        rest of the evaluated context as the prompt.
        """
        pieces = 0
        with self.runtime.lock:
            request = self._request(messages, stop, kwargs)
            for event in self.runtime.llama.create_chat_completion(stream=True, **request):
                text = event["choices"][0]["delta"].get("content")
                if not text:
                    continue
                pieces += 1
                chunk = ChatGenerationChunk(message=AIMessageChunk(content=text))
                if run_manager:
                    run_manager.on_llm_new_token(text, chunk=chunk)
                yield chunk
            prompt_tokens = max(self.runtime.llama.n_tokens - pieces, 0)
        yield ChatGenerationChunk(
            message=AIMessageChunk(
                content="",
                response_metadata={"model_name": self.model_name},
                usage_metadata=usage_metadata(prompt_tokens, pieces),
            )
        )

    def option_logits(self, messages: list[BaseMessage],
                      options: Sequence[str]) -> tuple[list[float], int]:
        """The raw logit of each option's first token as the reply's first token.

        One forward pass, no sampling: a logits processor reads the next-token logits as
        llama.cpp hands them to its sampler, before any grammar. The prompt goes through the
        model's own chat template, and llama.cpp reuses the prefix it evaluated last, so
        questions that share their start cost only their new tokens. Returns the logits and
        the prompt's token count.
        """
        captured: list[Any] = []

        def capture(input_ids: Any, scores: Any) -> Any:
            captured.append(scores.copy())
            return scores

        with self.runtime.lock:
            llama = self.runtime.llama
            first = [llama.tokenize(option.encode("utf-8"), add_bos=False, special=False)[0]
                     for option in options]
            response = llama.create_chat_completion(
                messages=[_to_llama_message(message) for message in messages],
                max_tokens=1, temperature=self.temperature, seed=SEED,
                logits_processor=[capture],
            )
        if not captured:
            raise RuntimeError("llama.cpp returned no logits for the first reply token")
        logits = captured[0]
        return [float(logits[token]) for token in first], int(response["usage"]["prompt_tokens"])

    def _request(
        self, messages: list[BaseMessage], stop: list[str] | None, kwargs: dict[str, Any]
    ) -> dict[str, Any]:
        gbnf = kwargs.get("grammar")
        return {
            "messages": [_to_llama_message(message) for message in messages],
            "max_tokens": kwargs.get("max_tokens", self.max_tokens),
            "temperature": self.temperature,
            "seed": SEED,
            "stop": stop or [],
            "grammar": _compiled_grammar(gbnf) if gbnf else None,
            "response_format": kwargs.get("response_format"),
        }


def _to_llama_message(message: BaseMessage) -> dict[str, str]:
    role = ROLES.get(message.type)
    if role is None:
        raise ValueError(f"llama.cpp chat takes system, human and ai messages, not {message.type}")
    return {"role": role, "content": message.text}
