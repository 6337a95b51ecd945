"""Chat: a question, the server-sent events of its answer, and stored conversations."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from service.api.schemas.common import UtcDatetime
from service.domain.chat import ChatMessage, Conversation


class ChatCreate(BaseModel):
    """A question, optionally about one framework or in an existing conversation."""

    question: str = Field(min_length=1, max_length=2000,
                          examples=["What does clause 6.1 require?"])
    framework: str | None = Field(default=None, max_length=100, examples=["iso27001-2022"])
    conversation_id: str | None = Field(default=None, max_length=36)


class MessagePublic(ChatMessage):
    """A stored turn. For a question, ``citations`` are the requirements it resolved to."""

    created_at: UtcDatetime


class ConversationPublic(Conversation):
    """A conversation of a workspace with its messages, oldest first."""

    created_at: UtcDatetime
    messages: tuple[MessagePublic, ...] = ()


class ConversationList(BaseModel):
    """The user's conversations in a workspace, newest first, without their messages."""

    conversations: list[ConversationPublic]


CHAT_EVENTS: dict[int | str, dict[str, Any]] = {
    200: {
        "description": (
            "Server-sent events: `token` events (`{\"type\": \"token\", \"text\"}`) as the "
            "answer is written, then one `done` event (`{\"type\": \"done\", \"answer\", "
            "\"conversation_id\", \"citations\", \"notes\"}`), or an `error` event in the "
            "error shape if the answer fails midway."
        ),
        "content": {"text/event-stream": {"schema": {
            "type": "object",
            "required": ["event", "data"],
            "properties": {
                "event": {"type": "string", "enum": ["token", "done", "error"]},
                "data": {"type": "string", "contentMediaType": "application/json"},
            },
        }}},
    }
}
