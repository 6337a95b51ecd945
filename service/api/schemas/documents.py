"""Documents: uploads and what is stored of them."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from service.api.schemas.common import UtcDatetime


class DocumentPublic(BaseModel):
    """An ingested document of a workspace."""

    id: str
    document: str = Field(description="The name shown in citations.")
    type: str
    pages: int | None
    chunks: int
    size: int
    sha256: str
    created_at: UtcDatetime
    updated_at: UtcDatetime
    version: int = Field(description="1 for the first upload of the name, then one more for "
                         "each replacement")


class DocumentVersionPublic(BaseModel):
    """A version of a document: its current one, or one kept because reviewed proposals cite it."""

    document_id: str
    document: str
    version: int
    state: Literal["current", "superseded", "deleted"]
    note: str = Field(description='e.g. "superseded on 2026-12-04 by version 2"; empty if current')
    sha256: str
    type: str
    pages: int | None
    chunks: int
    size: int
    indexed_at: UtcDatetime
    retired_at: UtcDatetime | None
    superseded_by: int | None
    original: str = Field(description="The path that downloads this version's original.")


class DocumentVersionList(BaseModel):
    """A document's kept versions, oldest first, then its current one."""

    versions: list[DocumentVersionPublic]


class PassagePublic(BaseModel):
    """A stored passage, with the version of its document it belongs to."""

    chunk_id: str
    text: str
    page: int | None
    heading: str
    version: DocumentVersionPublic


class DocumentList(BaseModel):
    """A workspace's documents, by name."""

    documents: list[DocumentPublic]


class UploadPublic(BaseModel):
    """An upload ingested at once: ``unchanged`` when the same content was already indexed."""

    status: Literal["indexed", "unchanged"]
    document: DocumentPublic


UPLOAD_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file"],
                    "properties": {"file": {"type": "string", "format": "binary"}},
                }
            }
        },
    }
}
