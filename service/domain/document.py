"""An ingested document as every front end shows it."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict


class DocumentInfo(BaseModel):
    """One ingested document: name, type, size, pages and chunks, and its stored original."""

    model_config = ConfigDict(frozen=True)

    id: str
    name: str
    doc_type: str
    pages: int | None
    chunks: int
    size_bytes: int
    sha256: str
    created_at: datetime
    updated_at: datetime
    stored_path: str
    version: int = 1


CURRENT, SUPERSEDED, DELETED = "current", "superseded", "deleted"


class DocumentVersion(BaseModel):
    """A version of a document: its current one, or one kept because proposals cite it.

    A kept version was ``superseded`` (by version ``superseded_by``) or ``deleted`` at
    ``retired_at``; its chunks and original stay readable from the proposals that cite it.
    """

    model_config = ConfigDict(frozen=True)

    document_id: str
    name: str
    version: int
    state: Literal["current", "superseded", "deleted"]
    sha256: str
    doc_type: str
    pages: int | None
    chunks: int
    size_bytes: int
    indexed_at: datetime
    retired_at: datetime | None = None
    superseded_by: int | None = None
    stored_path: str

    @property
    def note(self) -> str:
        """What a reader is told of a kept version: "superseded on DATE by version N"."""
        day = self.retired_at.date().isoformat() if self.retired_at else ""
        if self.state == SUPERSEDED:
            return f"superseded on {day} by version {self.superseded_by}"
        return f"deleted on {day}" if self.state == DELETED else ""
