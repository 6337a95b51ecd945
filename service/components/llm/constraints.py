"""How answers are constrained and checked: grammars, choice schemas, reply parsing."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any, Literal

from pydantic import BaseModel, Field, ValidationError, create_model

from service.components.llm.base import LLMOutputError, T

Constraint = Literal["llama_cpp", "llama_cpp_server", "json_schema", "prompt"]
"""How a provider is held to options and schemas.

- ``llama_cpp``: in-process llama.cpp; a GBNF ``grammar`` for choices (one or two tokens),
  a JSON schema in ``response_format`` for objects.
- ``llama_cpp_server``: the same through a llama.cpp server's OpenAI API, the grammar in
  the request body.
- ``json_schema``: LangChain's ``with_structured_output(method="json_schema")``; choices
  become a one-field object with an enum.
- ``prompt``: instructions in the prompt, then parse and validate (scripted fakes).
"""

STRIP_FROM_REPLY = " \t\r\n.\"'`"


def choice_grammar(options: Sequence[str]) -> str:
    """A GBNF grammar whose only sentences are the options."""
    return "root ::= " + " | ".join(json.dumps(option) for option in options)


def grammar_kwargs(gbnf: str, constraint: Constraint) -> dict[str, Any]:
    """Call kwargs that carry a grammar to in-process llama.cpp or to a llama.cpp server."""
    if constraint == "llama_cpp_server":
        return {"extra_body": {"grammar": gbnf}}
    return {"grammar": gbnf}


def choice_schema(options: Sequence[str]) -> type[BaseModel]:
    """A one-field object whose ``answer`` is enumerated as the options."""
    answer: Any = (str, Field(json_schema_extra={"enum": list(options)}))
    return create_model("Choice", answer=answer)


def choice_instruction(options: Sequence[str]) -> str:
    """Appended to the user prompt when nothing but the prompt constrains the answer."""
    return "\n\nAnswer with exactly one of: " + ", ".join(options) + "."


def schema_instruction(schema: type[BaseModel]) -> str:
    """Appended to the user prompt when the provider cannot enforce a JSON schema."""
    return "\n\nReply with one JSON object that follows this JSON schema:\n" + json.dumps(
        schema.model_json_schema()
    )


def response_format(schema: type[BaseModel]) -> dict[str, Any]:
    """llama.cpp's ``response_format``: JSON output constrained by the schema."""
    return {"type": "json_object", "schema": schema.model_json_schema()}


def match_option(reply: str, options: Sequence[str]) -> str:
    """The option that the reply names, ignoring case, spaces, quotes and a final period."""
    cleaned = reply.strip(STRIP_FROM_REPLY).casefold()
    for option in options:
        if option.casefold() == cleaned:
            return option
    raise LLMOutputError(f"the model answered {reply[:80]!r}, not one of {list(options)}")


def parse_object(reply: str, schema: type[T]) -> T:
    """Validate the JSON object in ``reply`` (code fences or chatter around it ignored)."""
    start, end = reply.find("{"), reply.rfind("}")
    if start < 0 or end < start:
        raise LLMOutputError(f"the model's reply holds no JSON object: {reply[:80]!r}")
    try:
        return schema.model_validate_json(reply[start : end + 1])
    except ValidationError as error:
        raise LLMOutputError(
            f"the model's reply does not fit {schema.__name__}: {error}"
        ) from error
