"""Every stored vector of a workspace in one matrix, searched exactly.

Chroma's HNSW index loses live records after many deletes and upserts: they stay readable by
id but no query returns them again (chroma-core/chroma#7758, open for 1.5.9, the version used
here; seen on the eval's scratch workspace, where after 60 rounds of removing and re-adding
documents a nearest-neighbour query reached 121 of 283 chunks, and the evidence over the floor
lost most of its chunks for 114 of 123 requirements). The evidence set must be exact, or a
level can fall when a document is added and rise when one is removed. So a workspace of up
to ``EXACT_LIMIT`` records is read once per retriever and searched here, brute force; only
larger ones use the index (``VectorStore.above``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from service.domain.visibility import Visible

EXACT_LIMIT = 20_000  # records per collection searched exactly: 31 MB of float32 at 384
# dimensions, read in about a second (56 µs a record on 2 cores)


@dataclass(frozen=True)
class VectorTable:
    """Stored vectors (unit length, one row per record) and the chunk each belongs to.

    For chunks, ``owners`` are the records' own ids and ``searchable`` says, per record,
    whether it is an unscreened chunk and of which kind; for sentences, ``owners`` are their
    chunks' ids (and ``searchable`` is empty).
    """

    owners: list[str]
    documents: list[str]
    matrix: np.ndarray
    searchable: list[str | None] = field(default_factory=list)

    @classmethod
    def of(cls, owners: list[str], documents: list[str],
           vectors: list[list[float]] | np.ndarray,
           searchable: list[str | None] | None = None) -> VectorTable:
        """A table of these records, their vectors normalised to unit length.

        ``searchable``: per chunk record, its kind, or None if it is screened.
        """
        matrix = np.asarray(vectors, dtype=np.float32).reshape(len(owners), -1)
        norms = np.linalg.norm(matrix, axis=1, keepdims=True)
        return cls(owners, documents, matrix / np.where(norms > 0, norms, 1.0),
                   searchable or [])

    def _similarity(self, vectors: list[list[float]]) -> np.ndarray:
        """Cosine of every record (rows) to every vector (columns), clipped to [0, 1]."""
        queries = np.asarray(vectors, dtype=np.float32).reshape(len(vectors), -1)
        queries /= np.where((n := np.linalg.norm(queries, axis=1, keepdims=True)) > 0, n, 1.0)
        return np.clip(self.matrix @ queries.T, 0.0, 1.0)

    def shown(self, visible: Visible, kind: str | None = None) -> np.ndarray:
        """Which records are shown, unscreened chunks (of ``kind``, if given), for ``nearest``."""
        return np.asarray([
            tag is not None and (kind is None or tag == kind) and visible.shows(owner, document)
            for owner, document, tag in zip(self.owners, self.documents, self.searchable,
                                            strict=True)], dtype=bool)

    def nearest(self, vectors: list[list[float]], k: int,
                shown: np.ndarray) -> list[list[tuple[str, float]]]:
        """Per vector, the ``k`` nearest of the ``shown`` records (owner, cosine), best first."""
        rows = np.flatnonzero(shown)
        if not len(rows) or not vectors:
            return [[] for _ in vectors]
        similarity = self._similarity(vectors)[rows]
        found = []
        for column in range(len(vectors)):
            best = np.argsort(-similarity[:, column], kind="stable")[:k]
            found.append([(self.owners[rows[r]], float(similarity[r, column])) for r in best])
        return found

    def above(self, vectors: list[list[float]], floor: float,
              visible: Visible) -> dict[str, float]:
        """Each shown chunk whose records' best cosine to some vector reaches ``floor``."""
        if not self.owners or not vectors:
            return {}
        best = self._similarity(vectors).max(axis=1)
        found: dict[str, float] = {}
        for row in np.flatnonzero(best >= floor):
            owner = self.owners[row]
            if visible.shows(owner, self.documents[row]):
                found[owner] = max(found.get(owner, 0.0), float(best[row]))
        return found
