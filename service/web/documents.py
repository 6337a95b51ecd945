"""A workspace's documents as the pages show them, and where their originals are kept."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from service.db.documents import list_documents as document_rows
from service.db.workspaces import get_workspace
from service.errors import NotFoundError
from service.pipeline.context import PipelineContext
from service.pipeline.ingest import ORIGINALS


@dataclass(frozen=True)
class DocumentInfo:
    """One ingested document: name, type, size, pages and chunks, and its stored original."""

    id: str
    name: str
    doc_type: str
    pages: int | None
    chunks: int
    size_bytes: int
    updated_at: datetime
    stored_path: str


def list_documents(context: PipelineContext, workspace: str) -> list[DocumentInfo]:
    """The workspace's documents, by name."""
    with context.sessions() as session:
        space = get_workspace(session, workspace)
        if space is None:
            return []
        return [
            DocumentInfo(id=d.id, name=d.display_name, doc_type=d.doc_type, pages=d.pages,
                         chunks=d.chunks, size_bytes=d.size_bytes, updated_at=d.updated_at,
                         stored_path=d.stored_path)
            for d in document_rows(session, space.id)
        ]


def find_document(context: PipelineContext, workspace: str, document_id: str) -> DocumentInfo:
    """One document of the workspace; NotFoundError if it is not there."""
    for document in list_documents(context, workspace):
        if document.id == document_id:
            return document
    raise NotFoundError(f"There is no document '{document_id}' in workspace '{workspace}'.")


def original_path(context: PipelineContext, document: DocumentInfo) -> Path:
    """Where the document's original file is stored; NotFoundError if it has gone."""
    path = context.settings.data_dir / ORIGINALS / document.stored_path
    if not path.is_file():
        raise NotFoundError(f"The original file of {document.name} is no longer stored.")
    return path
