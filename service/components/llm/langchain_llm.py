"""The ``LLM`` protocol, implemented once over any LangChain chat model."""

from __future__ import annotations

import math
import threading
from collections.abc import Callable, Iterator, Sequence
from typing import Any, TypeVar, cast

from langchain_core.language_models import BaseChatModel, LanguageModelInput
from langchain_core.messages import BaseMessage, HumanMessage, SystemMessage
from langchain_core.runnables import Runnable

from service.components.llm.base import LLMOutputError, T, Usage
from service.components.llm.constraints import (
    Constraint,
    choice_grammar,
    choice_instruction,
    choice_schema,
    grammar_kwargs,
    match_option,
    parse_object,
    response_format,
    schema_instruction,
)
from service.components.llm.markers import KNOWN_MARKERS, Neutraliser

Result = TypeVar("Result")
CHOICE_MAX_TOKENS = 16
STRUCTURED_MAX_TOKENS = 512


class ChatModelLLM:
    """Adapts a LangChain chat model: [system, user] in, text, a choice or an object out.

    ``constraint`` says how the provider is held to options and schemas (see
    ``constraints.Constraint``); ``max_tokens_field`` names the model's reply-length field
    (``max_tokens``, Ollama's ``num_predict``), None when the model has none.
    ``neutraliser`` breaks chat-template markers in both messages before every call (the one
    place all prompt builders pass through); by default the known markers of common templates.
    """

    def __init__(
        self,
        chat_model: BaseChatModel,
        model_id: str,
        constraint: Constraint,
        max_tokens_field: str | None = "max_tokens",
        max_concurrency: int = 1,
        neutraliser: Neutraliser | None = None,
    ) -> None:
        self._chat_model = chat_model
        self._neutralise = neutraliser or Neutraliser(KNOWN_MARKERS)
        self._model_id = model_id
        self._constraint = constraint
        self._max_tokens_field = max_tokens_field
        self._call_slots = threading.BoundedSemaphore(max_concurrency)
        self._usage_lock = threading.Lock()
        self._usage = Usage()

    @property
    def model_id(self) -> str:
        """Provider and model, as given by the builder."""
        return self._model_id

    @property
    def chat_model(self) -> BaseChatModel:
        """The wrapped LangChain model, e.g. to inspect its configuration."""
        return self._chat_model

    def choose(self, system: str, user: str, options: Sequence[str]) -> str:
        """One of ``options``: a grammar on llama.cpp, a choice schema or a parsed reply."""
        if not options:
            raise ValueError("choose needs at least one option")
        if self._constraint == "json_schema":
            schema = choice_schema(options)
            return self._retrying(
                lambda: match_option(
                    str(self._structured_once(system, user, schema).model_dump()["answer"]),
                    options,
                )
            )
        model: Runnable[LanguageModelInput, BaseMessage] = self._limited(CHOICE_MAX_TOKENS)
        prompt = user
        if self._constraint == "prompt":
            prompt += choice_instruction(options)
        else:
            model = model.bind(**grammar_kwargs(choice_grammar(options), self._constraint))
        return self._retrying(
            lambda: match_option(self._invoke_text(model, system, prompt), options)
        )

    def option_probabilities(self, system: str, user: str,
                             options: Sequence[str]) -> dict[str, float] | None:
        """Each option's probability as the first reply token, normalised over the options.

        Only the in-process llama.cpp model exposes its logits here; other providers give
        None (callers fall back to ``choose``). Options should differ in their first token.
        """
        option_logits = getattr(self._chat_model, "option_logits", None)
        if option_logits is None or not options:
            return None
        with self._call_slots:
            logits, prompt_tokens = option_logits(self._messages(system, user), options)
        self._record(prompt_tokens, 0)
        top = max(logits)
        weights = [math.exp(value - top) for value in logits]
        total = sum(weights)
        return {option: weight / total for option, weight in zip(options, weights, strict=True)}

    def generate(self, system: str, user: str, max_tokens: int) -> str:
        """Free text, at most ``max_tokens`` tokens."""
        return self._invoke_text(self._limited(max_tokens), system, user)

    def stream(self, system: str, user: str, max_tokens: int) -> Iterator[str]:
        """Text pieces as the model produces them; usage is recorded when the stream ends."""
        model = self._limited(max_tokens)
        prompt_tokens = completion_tokens = 0
        with self._call_slots:
            try:
                for chunk in model.stream(self._messages(system, user)):
                    if chunk.usage_metadata:
                        prompt_tokens += chunk.usage_metadata["input_tokens"]
                        completion_tokens += chunk.usage_metadata["output_tokens"]
                    if piece := chunk.text:
                        yield piece
            finally:
                self._record(prompt_tokens, completion_tokens)

    def structured(self, system: str, user: str, schema: type[T]) -> T:
        """An instance of ``schema``; a reply that does not validate is retried once."""
        return self._retrying(lambda: self._structured_once(system, user, schema))

    def usage(self) -> Usage:
        """Token counts and calls so far."""
        with self._usage_lock:
            return self._usage

    def _structured_once(self, system: str, user: str, schema: type[T]) -> T:
        model = self._limited(STRUCTURED_MAX_TOKENS)
        if self._constraint == "json_schema":
            runnable = model.with_structured_output(schema, method="json_schema", include_raw=True)
            with self._call_slots:
                result = cast(dict[str, Any], runnable.invoke(self._messages(system, user)))
            self._record_message(result["raw"])
            if not isinstance(result["parsed"], schema):
                raise LLMOutputError(f"the model's reply does not fit {schema.__name__}")
            return result["parsed"]
        if self._constraint == "prompt":
            return parse_object(
                self._invoke_text(model, system, user + schema_instruction(schema)), schema
            )
        bound = model.bind(response_format=response_format(schema))
        return parse_object(self._invoke_text(bound, system, user), schema)

    def _limited(self, max_tokens: int) -> BaseChatModel:
        if self._max_tokens_field is None:
            return self._chat_model
        return self._chat_model.model_copy(update={self._max_tokens_field: max_tokens})

    def _invoke_text(
        self, model: Runnable[LanguageModelInput, BaseMessage], system: str, user: str
    ) -> str:
        with self._call_slots:
            message = model.invoke(self._messages(system, user))
        self._record_message(message)
        return message.text

    def _messages(self, system: str, user: str) -> list[BaseMessage]:
        return [SystemMessage(self._neutralise(system)), HumanMessage(self._neutralise(user))]

    def _retrying(self, attempt: Callable[[], Result]) -> Result:
        # llama.cpp decodes greedily under a grammar: a retry would (almost always) repeat itself.
        if self._constraint in ("llama_cpp", "llama_cpp_server"):
            return attempt()
        try:
            return attempt()
        except LLMOutputError:
            return attempt()

    def _record_message(self, message: Any) -> None:
        usage = getattr(message, "usage_metadata", None) or {}
        self._record(usage.get("input_tokens", 0), usage.get("output_tokens", 0))

    def _record(self, prompt_tokens: int, completion_tokens: int) -> None:
        with self._usage_lock:
            self._usage = Usage(
                prompt_tokens=self._usage.prompt_tokens + prompt_tokens,
                completion_tokens=self._usage.completion_tokens + completion_tokens,
                calls=self._usage.calls + 1,
            )
