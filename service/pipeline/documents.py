"""A workspace's documents: list, find, locate the original, delete; one behaviour for all.

Reading never creates a workspace: an unknown one has no documents.
"""

from __future__ import annotations

from pathlib import Path

from service.db import DocumentRow
from service.db.documents import get_document, list_documents, take_lease
from service.db.tables import utcnow
from service.db.workspaces import get_workspace
from service.domain.document import CURRENT, DELETED, DocumentInfo, DocumentVersion
from service.domain.evidence import Chunk
from service.domain.visibility import chunk_prefix
from service.errors import NotFoundError
from service.pipeline.audit import SYSTEM_ACTOR, record, workspace_target
from service.pipeline.context import PipelineContext
from service.pipeline.ingest import document_facts
from service.pipeline.ingest_lease import BeingIngestedError, lease_until, new_holder
from service.pipeline.originals import ORIGINALS, drop_original
from service.pipeline.versions import (
    keep_if_cited,
    kept_versions_of_chunks,
    settle_chunks,
    versions_of,
)


def _info(row: DocumentRow) -> DocumentInfo:
    return DocumentInfo(
        id=row.id, name=row.display_name, doc_type=row.doc_type, pages=row.pages,
        chunks=row.chunks, size_bytes=row.size_bytes, sha256=row.content_hash,
        created_at=row.created_at, updated_at=row.updated_at, stored_path=row.stored_path,
        version=row.version,
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


def original_path(context: PipelineContext, document: DocumentInfo | DocumentVersion) -> Path:
    """Where the document's (or version's) original is stored; NotFoundError if it has gone."""
    path = context.settings.data_dir / ORIGINALS / document.stored_path
    if not path.is_file():
        name = document.id if isinstance(document, DocumentInfo) else document.document_id
        raise NotFoundError(f"the original file of document '{name}' is missing from "
                            "the data dir; ingest it again to restore it")
    return path


def document_versions(
    context: PipelineContext, workspace: str, document_id: str
) -> list[DocumentVersion]:
    """The document's kept versions (cited after a replace or delete), then its current one.

    NotFoundError if the workspace has neither.
    """
    with context.sessions() as session:
        space = get_workspace(session, workspace)
        found = [] if space is None else versions_of(
            session, space.id, document_id, get_document(session, space.id, document_id))
    if not found:
        raise _missing(workspace, document_id)
    return found


def document_version(
    context: PipelineContext, workspace: str, document_id: str, version: int
) -> DocumentVersion:
    """One version of the document, current or kept; NotFoundError if it is not kept."""
    for found in document_versions(context, workspace, document_id):
        if found.version == version:
            return found
    raise NotFoundError(f"document '{document_id}' has no version {version} in workspace "
                        f"'{workspace}' (only versions that reviewed proposals cite are kept)")


def read_passage(
    context: PipelineContext, workspace: str, chunk_id: str
) -> tuple[Chunk, DocumentVersion]:
    """A stored passage with the version it belongs to: current, or kept for its citations.

    NotFoundError for a chunk gone (its version was not cited), or not yet shown.
    """
    found = context.store.chunks(workspace, [chunk_id])
    kept = cited_versions(context, workspace, [chunk_id]).get(chunk_id) if found else None
    if found and kept is not None:
        return found[0], kept
    if found:
        current = document_versions(context, workspace, found[0].document_id)[-1]
        if current.state == CURRENT and chunk_id.startswith(
                chunk_prefix(current.document_id, current.sha256)):
            return found[0], current
    raise NotFoundError(f"no passage '{chunk_id}' in workspace '{workspace}': its document "
                        "was replaced or deleted, and no reviewed proposal cited it")


def cited_versions(
    context: PipelineContext, workspace: str, chunk_ids: list[str]
) -> dict[str, DocumentVersion]:
    """Of these chunk ids, those of kept (superseded or deleted) versions, with the version."""
    with context.sessions() as session:
        space = get_workspace(session, workspace)
        return {} if space is None else kept_versions_of_chunks(session, space.id, chunk_ids)


def delete_document(
    context: PipelineContext, workspace: str, document_id: str, actor: str = SYSTEM_ACTOR
) -> None:
    """Remove a document, its chunks, and its original unless another document shares it.

    If reviewed or signed proposals cite it, its version is kept instead (marked deleted,
    out of every search) until nothing cites it. The row goes first (under a lease, so no
    ingest is replacing it meanwhile), then the original if no row of any workspace refers
    to it any more, then its chunks: a kill in between leaves chunks that no row owns,
    which the reconcile removes.
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
        keep_if_cited(session, row, DELETED)
        session.delete(row)
        record(session, actor, "document.deleted",
               workspace_target(workspace, f"document:{document_id}"), document_facts(row), None)
        session.commit()
    drop_original(context, stored, content_hash)
    settle_chunks(context, workspace, document_id, keep=set())
