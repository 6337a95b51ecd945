"""A workspace's documents: list, find, locate the original, delete; one behaviour for all.

Reading never creates a workspace: an unknown one has no documents.
"""

from __future__ import annotations

from pathlib import Path

from service.db import DocumentRow
from service.db.documents import count_references, get_document, list_documents, take_lease
from service.db.tables import utcnow
from service.db.workspaces import get_workspace
from service.domain.document import DocumentInfo
from service.errors import NotFoundError
from service.pipeline.audit import SYSTEM_ACTOR, record, workspace_target
from service.pipeline.context import PipelineContext
from service.pipeline.ingest import ORIGINALS, document_facts
from service.pipeline.ingest_lease import BeingIngestedError, lease_until, new_holder
from service.pipeline.ingest_stages import originals_lock


def _info(row: DocumentRow) -> DocumentInfo:
    return DocumentInfo(
        id=row.id, name=row.display_name, doc_type=row.doc_type, pages=row.pages,
        chunks=row.chunks, size_bytes=row.size_bytes, sha256=row.content_hash,
        created_at=row.created_at, updated_at=row.updated_at, stored_path=row.stored_path,
    )


def _missing(workspace: str, document_id: str) -> NotFoundError:
    return NotFoundError(f"no document '{document_id}' in workspace '{workspace}'")


def workspace_documents(context: PipelineContext, workspace: str) -> list[DocumentInfo]:
    """The workspace's documents, by name; none for a workspace that does not exist."""
    with context.sessions() as session:
        space = get_workspace(session, workspace)
        return [] if space is None else [_info(row) for row in list_documents(session, space.id)]


def find_document(context: PipelineContext, workspace: str, document_id: str) -> DocumentInfo:
    """One document of the workspace; NotFoundError if it is not there."""
    with context.sessions() as session:
        space = get_workspace(session, workspace)
        row = None if space is None else get_document(session, space.id, document_id)
        if row is None:
            raise _missing(workspace, document_id)
        return _info(row)


def original_path(context: PipelineContext, document: DocumentInfo) -> Path:
    """Where the document's original file is stored; NotFoundError if it has gone."""
    path = context.settings.data_dir / ORIGINALS / document.stored_path
    if not path.is_file():
        raise NotFoundError(f"the original file of document '{document.id}' is missing from "
                            "the data dir; ingest it again to restore it")
    return path


def page_cache(context: PipelineContext) -> Path:
    """Where the page images of scans are kept (``page_images``), named by content hash."""
    return context.settings.data_dir / "cache" / "pages"


def delete_document(
    context: PipelineContext, workspace: str, document_id: str, actor: str = SYSTEM_ACTOR
) -> None:
    """Remove a document, its chunks, and its original unless another document shares it.

    The row goes first (under a lease, so no ingest is replacing it meanwhile), then the
    original if no row of any workspace refers to it any more (counted under the originals
    lock, which ingests hold from writing an original to committing its row), then its
    chunks: a kill in between leaves chunks that no row owns, which the reconcile removes.
    """
    with context.sessions() as session:
        space = get_workspace(session, workspace)
        row = None if space is None else get_document(session, space.id, document_id)
        if row is None:
            raise _missing(workspace, document_id)
        now = utcnow()
        if not take_lease(session, document_id, new_holder(), now, lease_until(60, now)):
            raise BeingIngestedError(row.display_name)
        stored, content_hash = row.stored_path, row.content_hash
        session.delete(row)
        record(session, actor, "document.deleted",
               workspace_target(workspace, f"document:{document_id}"), document_facts(row), None)
        session.commit()
    originals = context.settings.data_dir / ORIGINALS
    with originals_lock(originals), context.sessions() as session:
        if count_references(session, stored) == 0:
            (originals / stored).unlink(missing_ok=True)
            for cached in page_cache(context).glob(f"{content_hash}-*.png"):
                cached.unlink(missing_ok=True)
    context.store.delete_document(workspace, document_id, keep=set())
