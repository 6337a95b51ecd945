"""Chat: questions answered from the catalogs and the workspace's documents, streamed.

The answer streams as server-sent events, in the API's format: ``token`` events with pieces
of text, then one ``done`` event whose citations carry the link that opens each source, or
one ``error`` event, ``{"error": {"code", "message"}}``, in plain words.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse
from fastapi.sse import EventSourceResponse, format_sse_event
from pydantic import BaseModel, Field

from service.domain.chat import ChatCitation, ChatRequest
from service.pipeline.chat import (
    ChatService,
    conversation_history,
    list_conversations,
    wire_events,
)
from service.web.deps import AccessDep, ChangeDep, ServicesDep
from service.web.errors import WebRoute
from service.web.render import page

router = APIRouter(route_class=WebRoute)


class Question(BaseModel):
    """What the chat form sends."""

    question: str = Field(min_length=1, max_length=2000)
    framework: str | None = None
    conversation_id: str | None = None


def citation_link(workspace: str, citation: ChatCitation) -> str:
    """Where a citation opens: the requirement in its catalog, or the passage in context."""
    if citation.kind == "evidence" and citation.chunk_id:
        link = f"/w/{workspace}/passages/{quote(citation.chunk_id, safe='')}"
        return link + (f"?quote={quote(citation.quote)}" if citation.quote else "")
    if citation.framework and citation.ref:
        return f"/catalog/{quote(citation.framework)}/{quote(citation.ref, safe='')}"
    return f"/compare?a={quote(citation.framework or '')}"


def citation_json(workspace: str, citation: ChatCitation) -> dict[str, object]:
    """A citation with its link, for the page's script."""
    return citation.model_dump(mode="json") | {"url": citation_link(workspace, citation)}


@router.get("/w/{workspace}/chat", include_in_schema=False)
def chat_page(
    request: Request, access: AccessDep, svc: ServicesDep,
    conversation: Annotated[str, Query(max_length=64)] = "",
) -> HTMLResponse:
    """The chat page, continuing a conversation when one is given."""
    with svc.context.sessions() as session:
        past = list_conversations(session, access.workspace, access.user.id)
        current = (conversation_history(session, access.workspace, access.user.id, conversation)
                   if conversation else None)
    return page(request, "chat.html", {
        "access": access, "visitor": access.visitor, "nav": "chat", "past": past,
        "current": current, "frameworks": svc.registry.frameworks(),
        "link": lambda c: citation_link(access.workspace, c),
    })


def _events(svc: ServicesDep, chat_request: ChatRequest) -> Iterator[bytes]:
    events = ChatService(svc.context, svc.registry, svc.chat_llm).stream(chat_request)
    for name, data in wire_events(events, lambda c: citation_json(chat_request.workspace, c)):
        yield format_sse_event(event=name, data_str=data)


@router.post("/w/{workspace}/chat/stream", include_in_schema=False)
def ask(question: Question, access: ChangeDep, svc: ServicesDep) -> EventSourceResponse:
    """Stream the answer to one question."""
    chat_request = ChatRequest(
        question=question.question, workspace=access.workspace,
        framework=question.framework or None, conversation_id=question.conversation_id or None,
        user_id=access.user.id)
    return EventSourceResponse(_events(svc, chat_request),
                               headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"})
