"""Evidence per requirement: every chunk whose relevance reaches an absolute floor.

Relevance is the best cosine similarity between any of the requirement's queries (its
title and summary, each facet, its typical evidence) and the chunk. It depends on the chunk
and the requirement only, never on the other chunks, so the evidence set is monotone by
construction: removing documents removes their chunks from it and nothing takes their
place. (A top-k cut would refill from other documents, and a level could rise when its
documents go: measured on real policies, see evals/README.md.)

The evidence also admits a chunk on its best sentence: a whole chunk's vector dilutes the
one sentence that answers a requirement in a long policy section (on the real comply labels,
passage hit@5 0.78 -> 0.88). Scoring reads the same set (``ScoringSettings.score_on_sentences``,
with the genericity penalty that keeps topic lists from counting; evals/README.md). It is
monotone in the same way.

When fewer than ``k`` chunks reach the floor, ``retrieve`` shows the nearest others after
them, down to ``related_floor``, marked ``below_floor``: a reviewer of an organisation whose
practice is informal finds its notes there, which the floor (tuned for what counts towards
a level) leaves out. They are never evidence: no level reads them.

Dense search and BM25 (one list per query) fused by reciprocal rank fusion order the
evidence (fused candidates first, best first), and ``retrieve`` shows the first ``k`` of it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import numpy as np

from service.components.embedding.cache import cached_vectors
from service.components.vectorstore.table import VectorTable
from service.domain.catalog import FacetKind, Requirement
from service.domain.evidence import Chunk, Evidence, EvidenceKind
from service.pipeline.context import PipelineContext
from service.pipeline.score.matching import claim
from service.pipeline.visible import visible_documents

RRF_K = 60
PAGE = 100  # evidence chunks read from the store at a time


@dataclass(frozen=True)
class RetrievalParams:
    """How many candidates each list contributes, how many are kept, and the floors."""

    k: int
    records: int
    candidates: int
    floor: float
    related_floor: float = 1.0


def requirement_queries(requirement: Requirement) -> list[str]:
    """The texts a requirement is searched by: title and summary, each facet, the evidence."""
    queries = [f"{requirement.title}. {requirement.summary}".strip()]
    queries.extend(claim(facet.text) for facet in requirement.facets)
    if requirement.typical_evidence:
        queries.append("; ".join(requirement.typical_evidence))
    return queries


def fuse(rankings: list[list[str]]) -> dict[str, float]:
    """Reciprocal rank fusion, normalised so a chunk first in every list scores 1."""
    fused: dict[str, float] = {}
    for ranking in rankings:
        for rank, chunk_id in enumerate(ranking, start=1):
            fused[chunk_id] = fused.get(chunk_id, 0.0) + 1.0 / (RRF_K + rank)
    best = max(len(rankings), 1) / (RRF_K + 1)
    return {chunk_id: score / best for chunk_id, score in fused.items()}


class Retriever:
    """Retrieves evidence from one workspace; build one per run.

    It sees the ready documents as they were when it was built, never a pending one. It
    holds no chunk of the workspace: each question asks the store (nearest neighbours down
    to the floor, and the persistent lexical index), so memory follows the evidence, not
    the workspace.
    """

    def __init__(self, context: PipelineContext, workspace: str, params: RetrievalParams) -> None:
        self._context = context
        self._workspace = workspace
        self.params = params
        self._visible = visible_documents(context, workspace)
        self._vectors: dict[str, list[float]] = {}
        self._tables: dict[bool, VectorTable | None] = {}
        self._shown: dict[str | None, np.ndarray] = {}

    def prepare(self, requirements: Iterable[Requirement]) -> None:
        """Embed every query of these requirements in one batch (they are reused by scoring).

        The vectors are cached in ``<data dir>/cache/queries``: a framework's queries change
        only with its catalog, so later assessments of it embed nothing.
        """
        texts = {q for r in requirements for q in requirement_queries(r)} - self._vectors.keys()
        ordered = sorted(texts)
        if not ordered:
            return
        vectors = cached_vectors(self._context.embedder, ordered,
                                 self._context.settings.data_dir / "cache" / "queries", "queries")
        self._vectors.update(zip(ordered, vectors.tolist(), strict=True))

    def vectors(self, texts: list[str]) -> list[list[float]]:
        """The vectors of these texts, embedding (and keeping) any not seen before."""
        missing = sorted(set(texts) - self._vectors.keys())
        if missing:
            self._vectors.update(zip(missing, self._context.embedder.embed(missing), strict=True))
        return [self._vectors[t] for t in texts]

    def _chunks(self, ids: Iterable[str]) -> dict[str, Chunk]:
        """The stored chunks of these ids that are shown and unscreened."""
        found = self._context.store.chunks(self._workspace, list(ids))
        return {c.chunk_id: c for c in found
                if not c.screened and self._visible.shows(c.chunk_id, c.document_id)}

    def relevance(self, requirement: Requirement, by_sentence: bool) -> dict[str, float]:
        """Each shown chunk's best cosine to any of the requirement's queries, if over the floor.

        ``by_sentence`` counts a chunk's best sentence too.
        """
        vectors = self.vectors(requirement_queries(requirement))
        best = self._above(vectors, sentences=False)
        if by_sentence:
            for chunk_id, score in self._above(vectors, sentences=True).items():
                best[chunk_id] = max(best.get(chunk_id, 0.0), score)
        return best

    def _table(self, sentences: bool) -> VectorTable | None:
        """The workspace's chunk (or sentence) vectors, read once; None past the limit."""
        if sentences not in self._tables:
            self._tables[sentences] = self._context.store.table(self._workspace, sentences)
        return self._tables[sentences]

    def _above(self, vectors: list[list[float]], sentences: bool) -> dict[str, float]:
        """The shown chunks over the floor, searched exactly in the workspace's vectors.

        The vectors are read once per retriever; past ``EXACT_LIMIT`` records the store's
        index is searched instead (``vectorstore/table.py``).
        """
        table = self._table(sentences)
        if table is None:
            return self._context.store.above(self._workspace, vectors, self.params.floor,
                                             self._visible, sentences=sentences)
        return table.above(vectors, self.params.floor, self._visible)

    def evidence(self, requirement: Requirement, by_sentence: bool = False) -> list[Evidence]:
        """Every unscreened chunk whose relevance reaches the floor, fused candidates first.

        ``by_sentence`` also admits a chunk whose best sentence reaches it (what is shown).
        No rank cut: membership depends only on the chunk and the requirement, so removing
        documents can only shrink this set (see the module's docstring).
        """
        return list(self._ranked(requirement, by_sentence))

    def _ranked(self, requirement: Requirement, by_sentence: bool,
                fused: dict[str, Chunk] | None = None) -> Iterator[Evidence]:
        """The evidence in order, its chunks read from the store ``PAGE`` at a time.

        The fused candidates' chunks (``fused``, if found already) are not read again.
        """
        if not self._visible.prefixes:
            return
        passing = self.relevance(requirement, by_sentence)
        read = self._fused(requirement) if fused is None else fused
        order = {chunk_id: rank for rank, chunk_id in enumerate(read)}
        ranked = sorted(passing, key=lambda c: (order.get(c, len(order)), -passing[c]))
        for start in range(0, len(ranked), PAGE):
            page = ranked[start:start + PAGE]
            chunks = read | self._chunks(c for c in page if c not in read)
            yield from (Evidence(chunk=chunks[c], score=passing[c]) for c in page if c in chunks)

    def candidates(self, requirement: Requirement) -> list[Evidence]:
        """Fused candidates, best first, with their relevance; no floor, none screened."""
        if not self._visible.prefixes:
            return []
        fused = self._fused(requirement)
        relevance = self._relevance(self.vectors(requirement_queries(requirement)), fused)
        return [Evidence(chunk=chunk, score=relevance[c]) for c, chunk in fused.items()]

    def _fused(self, requirement: Requirement) -> dict[str, Chunk]:
        """The fused candidates' chunks, best first: dense and BM25 lists, one per query."""
        queries = requirement_queries(requirement)
        k = self.params.candidates
        practice = [claim(f.text) for f in requirement.facets if f.kind != FacetKind.DOCUMENTATION]
        dense, chunks = self._dense(self.vectors(queries), k, None)
        if practice:
            more, read = self._dense(self.vectors(practice), k, EvidenceKind.RECORD)
            dense, chunks = dense + more, chunks | read
        lexical = [self._context.store.search_text(self._workspace, query, k, self._visible)
                   for query in queries]
        fused = fuse([[chunk_id for chunk_id, _ in hits] for hits in dense + lexical])
        chunks |= self._chunks(c for c in fused if c not in chunks)
        return {c: chunks[c] for c in sorted(fused, key=lambda c: -fused[c]) if c in chunks}

    def _dense(self, vectors: list[list[float]], k: int, kind: EvidenceKind | None
               ) -> tuple[list[list[tuple[str, float]]], dict[str, Chunk]]:
        """Per vector, its ``k`` nearest shown, unscreened chunks (of ``kind``); chunks read.

        Searched exactly in the workspace's vectors (see ``_above``), or past the limit in
        the store's index, which reads the chunks it returns.
        """
        table = self._table(sentences=False)
        if table is None:
            hits = self._context.store.query(self._workspace, vectors, k, kind, self._visible)
            return ([[(h.chunk.chunk_id, h.score) for h in found] for found in hits],
                    {h.chunk.chunk_id: h.chunk for found in hits for h in found})
        key = None if kind is None else kind.value
        if key not in self._shown:
            self._shown[key] = table.shown(self._visible, key)
        return table.nearest(vectors, k, self._shown[key]), {}

    def _relevance(self, vectors: list[list[float]], fused: dict[str, Chunk]) -> dict[str, float]:
        """Best cosine similarity of each candidate to any query, in [0, 1]."""
        stored = self._context.store.chunk_vectors(self._workspace, list(fused))
        matrix = np.asarray(vectors)
        return {
            chunk_id: float(np.clip((matrix @ np.asarray(vector)).max(), 0.0, 1.0))
            for chunk_id, vector in stored.items()
        } | {chunk_id: 0.0 for chunk_id in fused if chunk_id not in stored}

    def retrieve(self, requirement: Requirement, related: bool = True) -> list[Evidence]:
        """The first ``k`` of the evidence and up to ``records`` records after them, to show.

        Chunks are admitted on their best sentence too. The extra records keep policies,
        which are many and wordy, from crowding them out. Chunks are read only until both
        are found. With ``related``, fewer than ``k`` are topped up from the fused candidates
        under the floor (``below_floor``, see the module's docstring).
        """
        fused = self._fused(requirement) if self._visible.prefixes else {}
        top: list[Evidence] = []
        records: list[Evidence] = []
        for evidence in self._ranked(requirement, True, fused):
            if len(top) < self.params.k:
                top.append(evidence)
            elif len(records) == self.params.records:
                break
            elif evidence.chunk.kind == EvidenceKind.RECORD:
                records.append(evidence)
        if related and len(top) < self.params.k:
            shown = {e.chunk.chunk_id for e in top}
            rest = {c: chunk for c, chunk in fused.items() if c not in shown}
            score = self._relevance(self.vectors(requirement_queries(requirement)), rest)
            top += [Evidence(chunk=chunk, score=score[c], below_floor=True)
                    for c, chunk in rest.items()
                    if score[c] >= self.params.related_floor][:self.params.k - len(top)]
        return top + records
