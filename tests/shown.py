"""What retrieval (and so a new assessment) may show of a workspace."""

from __future__ import annotations

from service.domain.evidence import Chunk
from service.pipeline.context import PipelineContext
from service.pipeline.retrieve import RetrievalParams, Retriever
from tests.requirements import BACKUP


def shown_chunks(context: PipelineContext, workspace: str) -> list[Chunk]:
    """Every chunk retrieval admits at a floor of 0 (all it may show), in index order."""
    params = RetrievalParams(k=5, records=0, candidates=10, floor=0.0)
    evidence = Retriever(context, workspace, params).evidence(BACKUP, by_sentence=True)
    return sorted((e.chunk for e in evidence), key=lambda c: (c.document, c.index))
