"""Chat: questions, the events of a streamed answer, citations and stored conversations."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, computed_field

MAX_QUESTION_CHARS = 2000


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True)


class CitationKind(StrEnum):
    """Where a cited fact comes from: a framework catalog or the workspace's documents."""

    REQUIREMENT = "requirement"
    EVIDENCE = "evidence"


class ChatCitation(_Frozen):
    """A source of an answer, in the shape of CLI.md; fields that do not apply are null.

    A ``requirement`` citation names a catalog fact by framework and ref, or a fact of a
    framework's profile by framework and ``field`` (``scope``, ``penalties``, ...; ref is
    then null); an ``evidence`` citation names a passage by chunk, document, page and
    heading, with the verbatim sentence quoted. ``label`` says all that in one line.
    """

    kind: CitationKind
    framework: str | None = None
    ref: str | None = None
    field: str | None = None
    document: str | None = None
    page: int | None = None
    heading: str | None = None
    chunk_id: str | None = None
    quote: str | None = None

    @computed_field  # type: ignore[prop-decorator]
    @property
    def label(self) -> str:
        """What is cited, e.g. ``gdpr Art. 32``, ``gdpr / penalties``, ``policy.docx, page 2``."""
        if self.kind == CitationKind.EVIDENCE:
            where = [self.document or "a document"]
            where += [f"page {self.page}"] if self.page else []
            where += [self.heading] if self.heading else []
            return ", ".join(where) + (f': "{self.quote}"' if self.quote else "")
        if self.field:
            return f"{self.framework} / {self.field}"
        return f"{self.framework} {self.ref}" if self.ref else f"{self.framework} / profile"


class ChatRequest(_Frozen):
    """One question, asked in a workspace, optionally in a conversation or about a framework.

    ``user_id`` owns the conversation: an API user's id, or None for the local CLI operator.
    """

    question: str = Field(min_length=1, max_length=MAX_QUESTION_CHARS)
    workspace: str
    framework: str | None = None
    conversation_id: str | None = None
    user_id: int | None = None


class TokenEvent(_Frozen):
    """A piece of the answer text, in order."""

    type: Literal["token"] = "token"
    text: str


class DoneEvent(_Frozen):
    """The last event: the whole answer, its conversation, its citations and any notes."""

    type: Literal["done"] = "done"
    answer: str
    conversation_id: str
    citations: tuple[ChatCitation, ...]
    notes: tuple[str, ...] = ()


ChatEvent = Annotated[TokenEvent | DoneEvent, Field(discriminator="type")]


class ChatMessage(_Frozen):
    """A stored turn. For a question, ``citations`` are the requirements it resolved to."""

    role: Literal["user", "assistant"]
    content: str
    citations: tuple[ChatCitation, ...]
    created_at: datetime


class Conversation(_Frozen):
    """A conversation of a workspace with its messages, oldest first."""

    id: str
    workspace: str
    framework: str | None
    created_at: datetime
    messages: tuple[ChatMessage, ...] = ()
