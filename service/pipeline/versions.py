"""Kept versions: what reviewed or signed proposals cite stays readable after a replace or delete.

ALCOA+ wants the original of a record kept: an auditor must be able to open what a reviewer
saw. When a document is replaced or deleted, its version is kept (a ``document_versions``
row, its chunks, its original) if a reviewed proposal, or one of a signed assessment, quotes
one of its chunks. A kept version's chunks belong in the store to ``retained_owner``, not to
the document, so search, chat, retrieval and new assessments never see them; the proposals
that cite them read them by chunk id. ``purge_uncited`` removes a kept version once nothing
cites it (the assessment was deleted): at start-up and in every periodic reconcile.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from service.db import DocumentRow, DocumentVersionRow, Session
from service.db.document_versions import all_versions, document_versions, is_cited
from service.db.tables import READY
from service.domain.document import CURRENT, DELETED, SUPERSEDED, DocumentVersion
from service.domain.visibility import chunk_prefix, retained_owner, version_of
from service.pipeline.audit import SYSTEM_ACTOR, record, workspace_target
from service.pipeline.context import PipelineContext
from service.pipeline.originals import drop_original

logger = logging.getLogger(__name__)


def keep_if_cited(session: Session, row: DocumentRow, state: str,
                  superseded_by: int | None = None) -> bool:
    """Keep the row's ready version if proposals that count cite it; True if it is kept.

    In the caller's transaction; ``state`` is superseded or deleted.
    """
    if row.state != READY or not is_cited(
            session, row.workspace_id, chunk_prefix(row.id, row.content_hash)):
        return False
    session.add(DocumentVersionRow(
        workspace_id=row.workspace_id, document_id=row.id, version=row.version,
        display_name=row.display_name, content_hash=row.content_hash,
        size_bytes=row.size_bytes, doc_type=row.doc_type, stored_path=row.stored_path,
        pages=row.pages, chunks=row.chunks, indexed_at=row.updated_at, state=state,
        superseded_by=None if state == DELETED else superseded_by,
    ))
    return True


def forget_version(session: Session, document_id: str, sha256: str) -> None:
    """Stop keeping apart a version whose content is current again (in the caller's commit).

    Its chunk ids are the current version's.
    """
    for kept in document_versions(session, document_id):
        if kept.content_hash == sha256:
            session.delete(kept)


def settle_chunks(context: PipelineContext, workspace: str, document_id: str,
                  keep: set[str]) -> None:
    """Remove the document's chunks except ``keep``, never those of its kept versions.

    Their chunks are given to their own owner first (which also undoes a failed upload of
    a kept version's bytes, whose chunk ids are the kept ones).
    """
    with context.sessions() as session:
        kept = [row.content_hash for row in document_versions(session, document_id)]
    for sha256 in kept:
        context.store.reassign(workspace, document_id, chunk_prefix(document_id, sha256),
                               retained_owner(document_id, sha256))
    context.store.delete_document(workspace, document_id, keep=keep)


def _version(row: DocumentVersionRow) -> DocumentVersion:
    return DocumentVersion(
        document_id=row.document_id, name=row.display_name, version=row.version,
        state=SUPERSEDED if row.state == SUPERSEDED else DELETED, sha256=row.content_hash,
        doc_type=row.doc_type, pages=row.pages, chunks=row.chunks, size_bytes=row.size_bytes,
        indexed_at=row.indexed_at, retired_at=row.retired_at, superseded_by=row.superseded_by,
        stored_path=row.stored_path,
    )


def current_version(row: DocumentRow) -> DocumentVersion:
    """The version a ready document shows."""
    return DocumentVersion(
        document_id=row.id, name=row.display_name, version=row.version, state=CURRENT,
        sha256=row.content_hash, doc_type=row.doc_type, pages=row.pages, chunks=row.chunks,
        size_bytes=row.size_bytes, indexed_at=row.updated_at, stored_path=row.stored_path,
    )


def versions_of(session: Session, workspace_id: int, document_id: str,
                current: DocumentRow | None) -> list[DocumentVersion]:
    """The kept versions of the document in this workspace, then its current one, if any."""
    kept = [_version(row) for row in document_versions(session, document_id)
            if row.workspace_id == workspace_id]
    return kept + ([current_version(current)] if current is not None else [])


def kept_versions_of_chunks(session: Session, workspace_id: int,
                            chunk_ids: list[str]) -> dict[str, DocumentVersion]:
    """For the chunk ids of kept versions among these, the version each belongs to."""
    found: dict[str, DocumentVersion] = {}
    by_document: dict[str, list[DocumentVersion]] = {}
    for chunk_id in chunk_ids:
        parts = version_of(chunk_id)
        if parts is None:
            continue
        document_id, short_hash = parts
        if document_id not in by_document:
            by_document[document_id] = [
                _version(row) for row in document_versions(session, document_id)
                if row.workspace_id == workspace_id]
        for kept in by_document[document_id]:
            if kept.sha256.startswith(short_hash):
                found[chunk_id] = kept
    return found


@dataclass(frozen=True)
class _Kept:
    id: int
    workspace: str
    document_id: str
    sha256: str
    stored_path: str


def purge_uncited(context: PipelineContext, actor: str = SYSTEM_ACTOR) -> int:
    """Remove every kept version nothing cites any more: its row, original and chunks.

    The row goes first (one commit with its audit event), then the original (unless another
    document or version uses it), then the chunks: a kill in between leaves chunks of an
    owner no row keeps, which the reconcile's orphan sweep removes. Returns how many went.
    """
    with context.sessions() as session:
        candidates = [_Kept(row.id, slug, row.document_id, row.content_hash, row.stored_path)
                      for row, slug in all_versions(session)]
    purged = 0
    for kept in candidates:
        with context.sessions() as session:
            row = session.get(DocumentVersionRow, kept.id)
            if row is None or is_cited(session, row.workspace_id,
                                       chunk_prefix(row.document_id, row.content_hash)):
                continue
            record(session, actor, "document.version_purged",
                   workspace_target(kept.workspace, f"document:{kept.document_id}"),
                   {"document": row.display_name, "version": row.version,
                    "sha256": row.content_hash, "state": row.state}, None,
                   reason="no reviewed or signed proposal cites it any more")
            session.delete(row)
            session.commit()
        drop_original(context, kept.stored_path, kept.sha256)
        context.store.delete_document(kept.workspace, retained_owner(kept.document_id,
                                                                     kept.sha256), keep=set())
        purged += 1
    return purged
