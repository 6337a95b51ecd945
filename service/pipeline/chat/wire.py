"""The chat's events as the API and the web UI both send them: one server-sent event each.

Each event is a name (``token``, ``done`` or ``error``) and a JSON object. A failure while
the answer streams becomes one ``error`` event, ``{"error": {"code", "message"}}``, the
shape of every error response; the front ends frame the pairs as server-sent events.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator

from service.domain.chat import ChatCitation, ChatEvent, DoneEvent
from service.errors import AssayError

log = logging.getLogger(__name__)
UNEXPECTED = "the answer failed on the server; see the server log"
CitationJson = Callable[[ChatCitation], dict[str, object]]


def error_data(code: str, message: str) -> str:
    """The data of an ``error`` event."""
    return json.dumps({"error": {"code": code, "message": message}})


def wire_events(
    events: Iterator[ChatEvent], citation: CitationJson | None = None
) -> Iterator[tuple[str, str]]:
    """(event name, JSON data) per chat event; ``citation`` may add to each cited source."""
    try:
        for event in events:
            data = event.model_dump(mode="json")
            if citation is not None and isinstance(event, DoneEvent):
                data["citations"] = [citation(c) for c in event.citations]
            yield event.type, json.dumps(data)
    except AssayError as error:
        yield "error", error_data(error.code, error.message)
    except Exception:
        log.exception("chat answer failed")
        yield "error", error_data("internal", UNEXPECTED)
