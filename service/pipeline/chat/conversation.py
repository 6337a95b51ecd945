"""Conversations, stored per user and workspace: their state for follow-ups, and history.

A question's message stores, as its citations, the requirements it resolved to; the next
follow-up ("and what evidence for it?") resolves against the latest of them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from service.components.catalog import CatalogRegistry
from service.db import ConversationRow, MessageRow, Session
from service.db.conversations import (
    add_message,
    conversations_of,
    create_conversation,
    find_conversation,
    latest_assessment_framework,
    messages_of,
)
from service.db.workspaces import get_or_create_workspace, get_workspace
from service.domain.chat import ChatCitation, ChatMessage, ChatRequest, Conversation
from service.errors import NotFoundError
from service.pipeline.chat.resolve import Subject, find_requirement


@dataclass(frozen=True)
class ConversationState:
    """What a new question can lean on: the conversation's framework and last subjects."""

    conversation_id: str | None
    framework: str | None
    previous: list[Subject]
    assessment_framework: str | None


def _known(registry: CatalogRegistry, framework_id: str | None) -> str | None:
    return framework_id if framework_id and registry.has(framework_id) else None


def _previous(registry: CatalogRegistry, messages: list[MessageRow]) -> list[Subject]:
    for message in reversed(messages):
        if message.role != "user" or not message.citations:
            continue
        subjects = []
        for cited in message.citations:
            fid, ref = _known(registry, cited.get("framework")), cited.get("ref")
            node = find_requirement(registry, fid, str(ref)) if fid and ref else None
            if fid and node is not None:
                subjects.append(Subject(fid, node))
        return subjects
    return []


def load_state(session: Session, registry: CatalogRegistry,
               request: ChatRequest) -> ConversationState:
    """The state a question starts from; NotFoundError for another user's conversation."""
    space = get_workspace(session, request.workspace)
    assessed = None if space is None else latest_assessment_framework(session, space.id)
    if request.conversation_id is None:
        return ConversationState(None, None, [], _known(registry, assessed))
    row = None if space is None else find_conversation(
        session, request.conversation_id, space.id, request.user_id)
    if row is None:
        raise NotFoundError(
            f"no conversation {request.conversation_id!r} in workspace {request.workspace!r}")
    previous = _previous(registry, list(messages_of(session, row.id)))
    return ConversationState(row.id, _known(registry, row.framework_id), previous,
                             _known(registry, assessed))


def _dumped(citations: list[ChatCitation]) -> list[dict[str, Any]]:
    return [c.model_dump(mode="json") for c in citations]


def save_turn(session: Session, request: ChatRequest, state: ConversationState,
              subjects: list[ChatCitation], answer: str, citations: list[ChatCitation],
              framework: str | None) -> str:
    """Store the question and the answer; returns the conversation id (new if none yet)."""
    space = get_or_create_workspace(session, request.workspace)
    row = None if state.conversation_id is None else session.get(
        ConversationRow, state.conversation_id)
    if row is None:
        row = create_conversation(session, space.id, request.user_id, framework)
    elif framework:
        row.framework_id = framework
    add_message(session, row.id, "user", request.question, _dumped(subjects))
    add_message(session, row.id, "assistant", answer, _dumped(citations))
    session.commit()
    return row.id


def _conversation(row: ConversationRow, workspace: str, messages: list[MessageRow]) -> Conversation:
    return Conversation(
        id=row.id, workspace=workspace, framework=row.framework_id, created_at=row.created_at,
        messages=tuple(ChatMessage(
            role="user" if m.role == "user" else "assistant", content=m.content,
            citations=tuple(ChatCitation.model_validate(c) for c in m.citations),
            created_at=m.created_at) for m in messages))


def conversation_history(session: Session, workspace: str, user_id: int | None,
                         conversation_id: str) -> Conversation:
    """One of the user's conversations in the workspace, with its messages."""
    space = get_workspace(session, workspace)
    row = None if space is None else find_conversation(session, conversation_id, space.id,
                                                       user_id)
    if row is None:
        raise NotFoundError(f"no conversation {conversation_id!r} in workspace {workspace!r}")
    return _conversation(row, workspace, list(messages_of(session, row.id)))


def list_conversations(session: Session, workspace: str, user_id: int | None) -> list[Conversation]:
    """The user's conversations in the workspace, newest first, without their messages."""
    space = get_workspace(session, workspace)
    if space is None:
        return []
    return [_conversation(row, workspace, []) for row in conversations_of(session, space.id,
                                                                          user_id)]
