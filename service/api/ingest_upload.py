"""Ingest an uploaded file, at once or as a job, and show documents as the API does."""

from __future__ import annotations

import shutil

from service.api.schemas.documents import DocumentPublic, UploadPublic
from service.api.upload import ReceivedFile
from service.components.jobs import JobControl
from service.db import DocumentRow, Session
from service.db.documents import get_document
from service.db.workspaces import get_workspace
from service.errors import NotFoundError, RejectedFileError
from service.pipeline.context import PipelineContext
from service.pipeline.ingest import Ingestor
from service.pipeline.ingest_stages import validate


def document_public(row: DocumentRow) -> DocumentPublic:
    """A stored document as the API shows it."""
    return DocumentPublic(
        id=row.id, document=row.display_name, type=row.doc_type, pages=row.pages,
        chunks=row.chunks, size=row.size_bytes, sha256=row.content_hash,
        created_at=row.created_at, updated_at=row.updated_at,
    )


def find_row(session: Session, slug: str, document_id: str) -> DocumentRow:
    """The workspace's document with this id; NotFoundError otherwise."""
    workspace = get_workspace(session, slug)
    row = None if workspace is None else get_document(session, workspace.id, document_id)
    if row is None:
        raise NotFoundError(f"no document '{document_id}' in workspace '{slug}'")
    return row


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
    with context.sessions() as session:
        row = find_row(session, slug, outcome.document_id)
    status = "unchanged" if outcome.status == "unchanged" else "indexed"
    return UploadPublic(status=status, document=document_public(row))


def ingest_job(
    context: PipelineContext, slug: str, actor: str, received: ReceivedFile,
    control: JobControl,
) -> str:
    """The background form of ``ingest_received``: the job's result is the document id."""
    try:
        control.progress(0.0, received.name)
        return ingest_received(context, slug, actor, received).document.id
    finally:
        shutil.rmtree(received.path.parent, ignore_errors=True)
