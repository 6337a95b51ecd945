"""Chat: a question answered as server-sent events, and the user's conversations."""

from __future__ import annotations

from collections.abc import Iterator

from fastapi import APIRouter
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import StreamingResponse
from fastapi.sse import EventSourceResponse, format_sse_event

from service.api.deps import ContextDep, CurrentUser, ServicesDep, ViewerSlug
from service.api.errors import error_responses
from service.api.schemas.chat import CHAT_EVENTS, ChatCreate, ConversationList, ConversationPublic
from service.domain.chat import ChatEvent, ChatRequest
from service.pipeline.chat import (
    ChatService,
    conversation_history,
    list_conversations,
    wire_events,
)

router = APIRouter(prefix="/workspaces/{slug}", tags=["chat"])
ERRORS = error_responses(401, 404, 422)


def _rest(first: ChatEvent, events: Iterator[ChatEvent]) -> Iterator[bytes]:
    def chained() -> Iterator[ChatEvent]:
        yield first
        yield from events

    for name, data in wire_events(chained()):
        yield format_sse_event(event=name, data_str=data)


@router.post("/chat", response_class=StreamingResponse,
             responses={**CHAT_EVENTS, **error_responses(401, 404, 422)})
async def chat(
    slug: ViewerSlug, body: ChatCreate, services: ServicesDep, context: ContextDep,
    user: CurrentUser,
) -> StreamingResponse:
    """Ask a question: the answer streams as `token` events, then one `done` event."""
    request = ChatRequest(question=body.question, workspace=slug, framework=body.framework,
                          conversation_id=body.conversation_id, user_id=user.id)

    def start() -> tuple[ChatEvent, Iterator[ChatEvent]]:
        events = ChatService(context, services.registry, services.chat_llm).stream(
            request)
        return next(events), events  # a bad framework or conversation fails here: 404

    first, events = await run_in_threadpool(start)
    return EventSourceResponse(_rest(first, events), headers={"Cache-Control": "no-cache"})


@router.get("/conversations", responses=ERRORS)
def conversations(slug: ViewerSlug, context: ContextDep, user: CurrentUser) -> ConversationList:
    """The user's conversations in the workspace, newest first."""
    with context.sessions() as session:
        listed = list_conversations(session, slug, user.id)
        return ConversationList(conversations=[ConversationPublic.model_validate(c.model_dump())
                                               for c in listed])


@router.get("/conversations/{conversation_id}", responses=ERRORS)
def conversation(
    slug: ViewerSlug, conversation_id: str, context: ContextDep, user: CurrentUser
) -> ConversationPublic:
    """One of the user's conversations with its messages, oldest first."""
    with context.sessions() as session:
        found = conversation_history(session, slug, user.id, conversation_id)
        return ConversationPublic.model_validate(found.model_dump())
