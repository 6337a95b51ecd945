"""Semantic search over one workspace's chunks."""

from __future__ import annotations

from service.domain.evidence import SearchHit
from service.errors import InvalidInputError
from service.pipeline.context import PipelineContext
from service.pipeline.visible import visible_documents

MAX_K = 100


def search(context: PipelineContext, workspace: str, text: str, k: int) -> list[SearchHit]:
    """The ``k`` chunks of the workspace's ready documents nearest to ``text``, best first."""
    if not text.strip():
        raise InvalidInputError("the search text is empty")
    if not 1 <= k <= MAX_K:
        raise InvalidInputError(f"k must be between 1 and {MAX_K}, not {k}")
    visible = visible_documents(context, workspace)
    return context.store.query(workspace, context.embedder.embed([text]), k,
                               visible=visible)[0]
