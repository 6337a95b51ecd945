"""The reconcile pass: clear ingests whose lease expired, remove chunks no ready row owns.

Also: purge kept document versions that nothing cites any more, and mark interrupted the
"running" assessments whose job's lease expired. Run at start-up (server and CLI ingest)
and periodically in the server. Work that a live process holds is never touched: a lease
is live until it expires, and the process renews it while it runs.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from service.db.document_versions import workspace_versions
from service.db.documents import (
    expired_leases,
    held_document,
    release_lease,
    take_lease,
    workspace_rows,
)
from service.db.tables import PENDING, READY, utcnow
from service.db.workspaces import get_workspace
from service.domain.visibility import chunk_prefix
from service.errors import AssayError
from service.pipeline.assessment_jobs import interrupt_lapsed
from service.pipeline.context import PipelineContext
from service.pipeline.ingest import ready_chunk_ids
from service.pipeline.ingest_lease import lease_until, new_holder
from service.pipeline.versions import purge_uncited, settle_chunks

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Reconciled:
    """What one pass removed."""

    pending_removed: int = 0
    leases_cleared: int = 0
    chunks_removed: int = 0
    versions_purged: int = 0
    assessments_interrupted: int = 0


def _clear_expired(context: PipelineContext) -> tuple[int, int]:
    """Take over each expired lease, drop its unfinished version; a pending row goes too."""
    holder, seconds = new_holder(), context.settings.ingest.lease_seconds
    with context.sessions() as session:
        expired = [(row.id, row.workspace.slug) for row in expired_leases(session, utcnow())]
    removed = cleared = 0
    for document_id, workspace in expired:
        with context.sessions() as session:
            now = utcnow()
            if not take_lease(session, document_id, holder, now, lease_until(seconds, now)):
                continue  # renewed or taken over meanwhile
            session.commit()
            row = held_document(session, document_id, holder)
            keep = set() if row is None else set(ready_chunk_ids(row))
        settle_chunks(context, workspace, document_id, keep)
        with context.sessions() as session:
            row = held_document(session, document_id, holder)
            if row is not None and row.state == PENDING:
                session.delete(row)
                removed += 1
            elif row is not None:
                release_lease(session, document_id, holder)
                cleared += 1
            session.commit()
    return removed, cleared


def _orphans(context: PipelineContext, workspace: str) -> list[str]:
    """Chunk ids of the workspace that no row owns, or that a settled ready row does not show.

    Chunks of a kept version are no orphans, whoever owns them in the store. The store is
    read before the database: a chunk seen in the store was written after its row was
    committed, so the row (and its lease) is seen too.
    """
    owners = context.store.chunk_owners(workspace)
    if not owners:
        return []
    with context.sessions() as session:
        space = get_workspace(session, workspace)
        rows = {} if space is None else {r.id: r for r in workspace_rows(session, space.id)}
        kept = () if space is None else tuple(
            chunk_prefix(v.document_id, v.content_hash)
            for v in workspace_versions(session, space.id))
        shown = {r.id: chunk_prefix(r.id, r.content_hash) for r in rows.values()
                 if r.state == READY and r.lease_holder is None}
        return [chunk_id for chunk_id, document_id in owners.items()
                if not chunk_id.startswith(kept)
                and (document_id not in rows
                     or (document_id in shown and not chunk_id.startswith(shown[document_id])))]


def reconcile(context: PipelineContext) -> Reconciled:
    """One pass over every workspace the database or the store knows."""
    removed, cleared = _clear_expired(context)
    purged = purge_uncited(context)
    orphans = 0
    for workspace in context.store.workspaces():
        try:
            stale = _orphans(context, workspace)
        except AssayError as error:  # e.g. indexed with another embedding model
            logger.warning("reconcile skipped workspace %s: %s", workspace, error.message)
            continue
        context.store.delete_chunks(workspace, stale)
        orphans += len(stale)
    return Reconciled(removed, cleared, orphans, purged, interrupt_lapsed(context))
