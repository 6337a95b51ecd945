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
