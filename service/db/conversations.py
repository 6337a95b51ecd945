"""Queries for chat: conversations, their messages, and the workspace's latest framework."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.db.chat_tables import ConversationRow, MessageRow
from service.db.tables import AssessmentRow


def _owned_by(user_id: int | None) -> Any:
    column = ConversationRow.user_id
    return column.is_(None) if user_id is None else column == user_id


def create_conversation(
    session: Session, workspace_id: int, user_id: int | None, framework_id: str | None
) -> ConversationRow:
    """A new conversation (flushed, so it has its id)."""
    row = ConversationRow(id=str(uuid.uuid4()), workspace_id=workspace_id, user_id=user_id,
                          framework_id=framework_id)
    session.add(row)
    session.flush()
    return row


def find_conversation(
    session: Session, conversation_id: str, workspace_id: int, user_id: int | None
) -> ConversationRow | None:
    """The conversation, only if it is in this workspace and owned by this user."""
    return session.scalar(
        select(ConversationRow).where(
            ConversationRow.id == conversation_id,
            ConversationRow.workspace_id == workspace_id,
            _owned_by(user_id),
        )
    )


def conversations_of(
    session: Session, workspace_id: int, user_id: int | None
) -> Sequence[ConversationRow]:
    """The user's conversations in the workspace, newest first."""
    return session.scalars(
        select(ConversationRow)
        .where(ConversationRow.workspace_id == workspace_id, _owned_by(user_id))
        .order_by(ConversationRow.created_at.desc())
    ).all()


def add_message(
    session: Session, conversation_id: str, role: str, content: str,
    citations: list[dict[str, Any]],
) -> MessageRow:
    """Append a message to a conversation."""
    row = MessageRow(conversation_id=conversation_id, role=role, content=content,
                     citations=citations)
    session.add(row)
    session.flush()
    return row


def messages_of(session: Session, conversation_id: str) -> Sequence[MessageRow]:
    """A conversation's messages, oldest first."""
    return session.scalars(
        select(MessageRow).where(MessageRow.conversation_id == conversation_id)
        .order_by(MessageRow.id)
    ).all()


def latest_assessment_framework(session: Session, workspace_id: int) -> str | None:
    """The framework of the workspace's most recent assessment, if it has any."""
    return session.scalar(
        select(AssessmentRow.framework_id)
        .where(AssessmentRow.workspace_id == workspace_id)
        .order_by(AssessmentRow.created_at.desc())
        .limit(1)
    )
