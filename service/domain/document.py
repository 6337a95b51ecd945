"""An ingested document as every front end shows it."""

from __future__ import annotations

from datetime import datetime

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
