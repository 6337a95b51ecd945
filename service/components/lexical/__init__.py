"""Lexical (BM25) search with bm25s, in memory (the naive baseline's; see ``persistent``)."""

from __future__ import annotations

import bm25s
import numpy as np


class LexicalIndex:
    """An in-memory BM25 index of (id, text) pairs; rebuilt from the store, never stored."""

    def __init__(self, ids: list[str], texts: list[str]) -> None:
        self._ids = ids
        self._retriever = bm25s.BM25()
        if ids:
            tokens = bm25s.tokenize(texts, stopwords="en", show_progress=False)
            self._retriever.index(tokens, show_progress=False)

    def search(self, query: str, k: int) -> list[tuple[str, float]]:
        """Up to ``k`` (id, BM25 score) pairs with a positive score, best first."""
        if not self._ids:
            return []
        tokens = bm25s.tokenize([query], stopwords="en", show_progress=False)
        if not tokens.vocab:
            return []
        found, scores = self._retriever.retrieve(
            tokens, k=min(k, len(self._ids)), show_progress=False
        )
        return [
            (self._ids[int(i)], float(s))
            for i, s in zip(np.asarray(found[0]), np.asarray(scores[0]), strict=True)
            if s > 0
        ]
