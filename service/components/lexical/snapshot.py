"""A workspace's BM25 matrix as bm25s builds it, saved once per version and memory-mapped.

bm25s keeps every (word, passage) score precomputed in a sparse matrix; a query adds up the
columns of its words. Saved to disk, the matrix is read back memory-mapped, so a search
touches only its words' columns and a process does not hold the workspace in memory.
"""

from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path

import bm25s
import numpy as np

ROWIDS = "rowids.npy"


class Snapshot:
    """bm25s's index of every passage of one version, and each passage's row id."""

    def __init__(self, index: bm25s.BM25, rowids: np.ndarray) -> None:
        self._index = index
        self._rowids = rowids

    def ranked(self, words: list[str], limit: int) -> tuple[np.ndarray, np.ndarray]:
        """The row ids of the best ``limit`` passages with a positive score, and their scores.

        Best first, ties in row order; every passage tied with the last one is included.
        """
        scores = self._index.get_scores(words)
        hits = np.flatnonzero(scores > 0)
        if len(hits) > limit:
            last = np.partition(scores[hits], len(hits) - limit)[len(hits) - limit]
            hits = hits[scores[hits] >= last]
        hits = hits[np.argsort(-scores[hits], kind="stable")]
        return self._rowids[hits], scores[hits]


def build(rows: list[tuple[int, str]]) -> Snapshot | None:
    """bm25s's index of these (row id, space-separated tokens) passages; None without a word."""
    corpus = [body.split() for _, body in rows]
    if not any(corpus):
        return None
    index = bm25s.BM25(dtype="float64")
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
