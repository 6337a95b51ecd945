"""The error shape every failing request answers with, and small shared schemas."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from pydantic import AfterValidator, BaseModel, Field


def as_utc(moment: datetime) -> datetime:
    """A time without a zone is UTC (SQLite drops the zone): say so, for RFC 3339 output."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


UtcDatetime = Annotated[datetime, AfterValidator(as_utc)]


class ErrorDetail(BaseModel):
    """What went wrong: a stable code and a message fit for the user."""

    code: str = Field(examples=["not_found"])
    message: str = Field(examples=["no workspace 'qa'"])


class ErrorResponse(BaseModel):
    """The one JSON error shape: ``{"error": {"code", "message"}}``."""

    error: ErrorDetail


class HealthPublic(BaseModel):
    """The service answers."""

    status: str = Field(examples=["ok"])
    version: str
