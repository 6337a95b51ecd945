"""The naive baseline that Assay's retrieval must beat.

all-MiniLM-L6-v2 and BM25 over the same chunks (split at headings), fused by reciprocal rank
fusion, with the requirement's official title as the only query: no catalog summary, no
facets, no typical evidence, no floor.
"""

from __future__ import annotations

from service.components.lexical import LexicalIndex
from service.domain.catalog import Requirement
from service.domain.evidence import Chunk
from service.pipeline.context import PipelineContext
from service.pipeline.retrieve import fuse

DEPTH = 20


class NaiveRetriever:
    """Dense plus BM25 on the title, fused by RRF; one per workspace."""

    def __init__(self, context: PipelineContext, workspace: str) -> None:
        self._context = context
        self._workspace = workspace
        chunks = [c for c in context.store.chunks(workspace) if not c.screened]
        self._chunks = {c.chunk_id: c for c in chunks}
        self._lexical = LexicalIndex([c.chunk_id for c in chunks],
                                     [f"{c.heading} {c.text}" for c in chunks])

    def rank(self, requirement: Requirement, k: int = 10) -> list[Chunk]:
        """The ``k`` best chunks for the requirement's title."""
        if not self._chunks:
            return []
        vector = self._context.embedder.embed([requirement.title])
        dense = [h.chunk.chunk_id for h in self._context.store.query(self._workspace, vector,
                                                                     DEPTH)[0]]
        lexical = [chunk_id for chunk_id, _ in self._lexical.search(requirement.title, DEPTH)]
        fused = fuse([dense, lexical])
        ranked = sorted(fused, key=lambda chunk_id: -fused[chunk_id])
        return [self._chunks[c] for c in ranked if c in self._chunks][:k]
