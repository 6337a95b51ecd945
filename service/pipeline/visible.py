"""What search, retrieval and assessments may see of a workspace's stored chunks."""

from __future__ import annotations

from service.db.documents import list_documents
from service.db.workspaces import get_workspace
from service.domain.visibility import Visible, chunk_prefix
from service.pipeline.context import PipelineContext


def visible_documents(context: PipelineContext, workspace: str) -> Visible:
    """The workspace's ready documents, each in the version its row shows."""
    with context.sessions() as session:
        space = get_workspace(session, workspace)
        rows = [] if space is None else list_documents(session, space.id)
        return Visible(
            prefixes={row.id: chunk_prefix(row.id, row.content_hash) for row in rows},
            replacing=any(row.lease_holder is not None for row in rows),
        )
