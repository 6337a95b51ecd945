"""A workspace's BM25 matrix as bm25s builds it, saved once per version and memory-mapped.

bm25s keeps every (word, passage) score precomputed in a sparse matrix; a query adds up the
columns of its words. Saved to disk, the matrix is read back memory-mapped, so a search
touches only its words' columns and a process does not hold the workspace in memory.
"""

from __future__ import annotations

import math
import os
import shutil
import uuid
from pathlib import Path

import bm25s
import numpy as np

ROWIDS = "rowids.npy"
K1, FTS5_K1 = 1.5, 1.2  # bm25s's default, and FTS5's


class Snapshot:
    """bm25s's index of every passage of one version, and each passage's row id."""

    def __init__(self, index: bm25s.BM25, rowids: np.ndarray) -> None:
        self._index = index
        self._rowids = rowids

    def ranked(self, words: list[str], limit: int) -> tuple[np.ndarray, np.ndarray]:
        """Row ids of the best ``limit`` passages by ``picking``, and their bm25s scores.

        In picking order, ties in row order; bm25s counts each query word as often as it
        occurs.
        """
        picked = self.picking(sorted(set(words)))
        hits = np.flatnonzero(picked > 0)
        if len(hits) > limit:  # only those tied with the best ``limit`` or better are sorted
            last = np.partition(picked[hits], len(hits) - limit)[len(hits) - limit]
            hits = hits[picked[hits] >= last]
        hits = hits[np.argsort(-picked[hits], kind="stable")][:limit]
        return self._rowids[hits], self._index.get_scores(words)[hits]

    def picking(self, words: list[str]) -> np.ndarray:
        """Every passage's score as SQLite FTS5's ``bm25()`` gives it for these words.

        The index this one replaces let FTS5 pick the candidates that bm25s then scored, and
        FTS5 weighs words otherwise (k1 1.2, Robertson's idf, at least 1e-6): picking the
        same keeps retrieval's lists as they were. A word's term frequency over the length
        factor comes back from its bm25s score (``tf / (tf + k1 n)`` and the idf are known).
        """
        scores = self._index.scores
        data, indices, indptr = scores["data"], scores["indices"], scores["indptr"]
        count = scores["num_docs"]
        picked = np.zeros(count, dtype=np.float64)
        for word in words:
            column = self._index.vocab_dict.get(word)
            if column is None:
                continue
            start, end = int(indptr[column]), int(indptr[column + 1])
            found = end - start
            share = data[start:end] / math.log(1 + (count - found + 0.5) / (found + 0.5))
            ratio = K1 * share / (1 - share)  # tf / n
            idf = max(math.log((count - found + 0.5) / (found + 0.5)), 1e-6)
            np.add.at(picked, indices[start:end], idf * ratio * (FTS5_K1 + 1) / (ratio + FTS5_K1))
        return picked


def build(rows: list[tuple[int, str]]) -> Snapshot | None:
    """bm25s's index of these (row id, space-separated tokens) passages; None without a word."""
    corpus = [body.split() for _, body in rows]
    if not any(corpus):
        return None
    index = bm25s.BM25(k1=K1, dtype="float64")
    index.index(corpus, show_progress=False)
    return Snapshot(index, np.asarray([rowid for rowid, _ in rows], dtype=np.int64))


def save(snapshot: Snapshot, folder: Path) -> None:
    """Write the snapshot to ``folder`` whole or not at all (another process may race)."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    partial = folder.parent / f".{folder.name}-{uuid.uuid4().hex}"
    snapshot._index.save(partial, show_progress=False)
    np.save(partial / ROWIDS, snapshot._rowids)
    try:
        os.rename(partial, folder)
    except OSError:  # written meanwhile by another process
        shutil.rmtree(partial, ignore_errors=True)


def load(folder: Path) -> Snapshot:
    """A saved snapshot, its arrays memory-mapped (FileNotFoundError if there is none)."""
    rowids = np.load(folder / ROWIDS, mmap_mode="r")
    return Snapshot(bm25s.BM25.load(folder, mmap=True, show_progress=False), rowids)


def prune(folder: Path) -> None:
    """Remove the snapshots of earlier versions beside ``folder`` (named by version)."""
    for other in folder.parent.iterdir():
        if other.name.isdigit() and int(other.name) < int(folder.name):
            shutil.rmtree(other, ignore_errors=True)
