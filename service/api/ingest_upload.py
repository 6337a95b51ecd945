"""Ingest an uploaded file at once, and show documents as the API does."""

from __future__ import annotations

from urllib.parse import quote

from service.api.schemas.documents import DocumentPublic, DocumentVersionPublic, UploadPublic
from service.domain.document import CURRENT, DocumentInfo, DocumentVersion
from service.errors import RejectedFileError
from service.pipeline.context import PipelineContext
from service.pipeline.documents import find_document
from service.pipeline.ingest import Ingestor
from service.pipeline.ingest_stages import validate
from service.pipeline.upload import ReceivedFile


def document_public(document: DocumentInfo) -> DocumentPublic:
    """A stored document as the API shows it."""
    return DocumentPublic(
        id=document.id, document=document.name, type=document.doc_type, pages=document.pages,
        chunks=document.chunks, size=document.size_bytes, sha256=document.sha256,
        created_at=document.created_at, updated_at=document.updated_at,
        version=document.version,
    )


def version_public(slug: str, version: DocumentVersion) -> DocumentVersionPublic:
    """A document's version as the API shows it, with the path of its original."""
    original = f"/workspaces/{slug}/documents/{quote(version.document_id, safe='')}/original"
    return DocumentVersionPublic(
        document_id=version.document_id, document=version.name, version=version.version,
        state=version.state, note=version.note, sha256=version.sha256, type=version.doc_type,
        pages=version.pages, chunks=version.chunks, size=version.size_bytes,
        indexed_at=version.indexed_at, retired_at=version.retired_at,
        superseded_by=version.superseded_by,
        original=original if version.state == CURRENT else f"{original}?version={version.version}",
    )


def ingest_received(
    context: PipelineContext, slug: str, actor: str, received: ReceivedFile
) -> UploadPublic:
    """Ingest an upload; a rejected file raises its AssayError (413, 415 or 422)."""
    try:
        validate(received.path, context.settings.ingest)  # the typed errors: size, type, empty
    except RejectedFileError as error:
        raise type(error)(f"{received.name}: {error.message}") from None
    outcome = Ingestor(context, slug, actor).ingest(received.path, received.name)
    if outcome.status == "rejected" or outcome.document_id is None:
        raise RejectedFileError(f"{received.name}: {outcome.error}")
    document = find_document(context, slug, outcome.document_id)
    status = "unchanged" if outcome.status == "unchanged" else "indexed"
    return UploadPublic(status=status, document=document_public(document))
