"""A persistent BM25 index per workspace: SQLite FTS5, updated as chunks are written.

One SQLite file per workspace (``<dir>/<workspace>.sqlite3``), so that BM25's statistics
(document count, lengths, term frequencies) are the workspace's own, as with the in-memory
index. Texts are tokenized as bm25s tokenizes them (lower case, words of two or more
characters, English stop words dropped) and stored as those tokens, so a document's length
is the same for both. FTS5's ``bm25()`` (k1 1.2, another idf) picks the best few, which are
scored again as bm25s scores them (see ``search``).

A row carries its chunk's document (the owner id, as in the vector store) and screening
flag: searches leave out screened chunks and those ``visible`` does not show.
"""

from __future__ import annotations

import math
import sqlite3
import threading
from collections.abc import Iterable, Iterator
from contextlib import closing, contextmanager
from pathlib import Path

import bm25s

from service.domain.evidence import Chunk
from service.domain.visibility import Visible

SCHEMA = """
PRAGMA journal_mode = WAL;
CREATE TABLE IF NOT EXISTS passages (
    rowid INTEGER PRIMARY KEY, chunk_id TEXT NOT NULL UNIQUE, document_id TEXT NOT NULL,
    screened INTEGER NOT NULL, body TEXT NOT NULL, length INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS passages_document ON passages (document_id);
CREATE VIRTUAL TABLE IF NOT EXISTS passages_fts USING fts5(
    body, content='passages', content_rowid='rowid',
    tokenize="unicode61 remove_diacritics 0 tokenchars '_'");
CREATE TRIGGER IF NOT EXISTS passages_added AFTER INSERT ON passages BEGIN
    INSERT INTO passages_fts (rowid, body) VALUES (new.rowid, new.body); END;
CREATE TRIGGER IF NOT EXISTS passages_removed AFTER DELETE ON passages BEGIN
    INSERT INTO passages_fts (passages_fts, rowid, body) VALUES ('delete', old.rowid, old.body);
END;
CREATE TRIGGER IF NOT EXISTS passages_changed AFTER UPDATE OF body ON passages BEGIN
    INSERT INTO passages_fts (passages_fts, rowid, body) VALUES ('delete', old.rowid, old.body);
    INSERT INTO passages_fts (rowid, body) VALUES (new.rowid, new.body); END;
CREATE VIRTUAL TABLE IF NOT EXISTS passages_terms USING fts5vocab(passages_fts, 'row');
CREATE TABLE IF NOT EXISTS totals (
    id INTEGER PRIMARY KEY CHECK (id = 1), passages INTEGER NOT NULL, words INTEGER NOT NULL);
INSERT OR IGNORE INTO totals VALUES (1, 0, 0);
CREATE TRIGGER IF NOT EXISTS totals_added AFTER INSERT ON passages BEGIN
    UPDATE totals SET passages = passages + 1, words = words + new.length; END;
CREATE TRIGGER IF NOT EXISTS totals_removed AFTER DELETE ON passages BEGIN
    UPDATE totals SET passages = passages - 1, words = words - old.length; END;
CREATE TRIGGER IF NOT EXISTS totals_changed AFTER UPDATE OF length ON passages BEGIN
    UPDATE totals SET words = words - old.length + new.length; END;
CREATE TABLE IF NOT EXISTS state (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""
UPSERT = """
INSERT INTO passages (chunk_id, document_id, screened, body, length) VALUES (?, ?, ?, ?, ?)
ON CONFLICT (chunk_id) DO UPDATE SET document_id = excluded.document_id,
    screened = excluded.screened, body = excluded.body, length = excluded.length
"""
SEARCH = """
SELECT p.chunk_id, p.document_id, p.screened, p.body FROM (
    SELECT rowid, rank FROM passages_fts WHERE passages_fts MATCH ? ORDER BY rank LIMIT ?
) AS best JOIN passages AS p ON p.rowid = best.rowid ORDER BY best.rank
"""
COMPLETE = "complete"
K1, B = 1.5, 0.75  # bm25s's defaults (its Lucene variant)


def tokens(texts: list[str]) -> list[list[str]]:
    """Each text as bm25s tokenizes it (English stop words dropped)."""
    found = bm25s.tokenize(texts, stopwords="en", return_ids=False, show_progress=False)
    return [list(words) for words in found]


def indexed_text(chunk: Chunk) -> str:
    """What a chunk is found by: its document's name, its heading and its text."""
    return f"{chunk.document} {chunk.heading} {chunk.text}"


class PersistentLexicalIndex:
    """BM25 over each workspace's chunks, kept in ``directory`` and updated with them."""

    def __init__(self, directory: Path) -> None:
        self._directory = directory
        self._ready: set[Path] = set()
        self._lock = threading.Lock()
        self._open = threading.local()

    @contextmanager
    def _connect(self, workspace: str) -> Iterator[sqlite3.Connection]:
        """The workspace's index (created on first use), in one transaction.

        Each thread keeps its connection per workspace: opening one reads the schema and
        FTS5's configuration again, several milliseconds a search.
        """
        path = self._directory / f"{workspace}.sqlite3"
        with self._lock:
            if path not in self._ready:
                self._directory.mkdir(parents=True, exist_ok=True)
                with closing(sqlite3.connect(path, timeout=30)) as connection:
                    connection.executescript(SCHEMA)
                self._ready.add(path)
        connections: dict[Path, sqlite3.Connection] = self._open.__dict__.setdefault(
            "connections", {})
        if path not in connections:
            connections[path] = sqlite3.connect(path, timeout=30)
        with connections[path] as connection:
            yield connection

    def complete(self, workspace: str) -> bool:
        """Whether the index holds every chunk of the workspace (see ``mark_complete``)."""
        with self._connect(workspace) as connection:
            row = connection.execute("SELECT value FROM state WHERE key = ?",
                                     (COMPLETE,)).fetchone()
        return row is not None

    def mark_complete(self, workspace: str) -> None:
        """Record that every chunk of the workspace has been added (after a backfill)."""
        with self._connect(workspace) as connection:
            connection.execute("INSERT OR REPLACE INTO state (key, value) VALUES (?, '1')",
                               (COMPLETE,))

    def add(self, workspace: str, chunks: list[Chunk]) -> None:
        """Insert or update these chunks."""
        if not chunks:
            return
        bodies = tokens([indexed_text(c) for c in chunks])
        with self._connect(workspace) as connection:
            connection.executemany(UPSERT, [
                (c.chunk_id, c.document_id, int(c.screened), " ".join(words), len(words))
                for c, words in zip(chunks, bodies, strict=True)])

    def delete_chunks(self, workspace: str, chunk_ids: Iterable[str]) -> None:
        """Remove these chunks."""
        with self._connect(workspace) as connection:
            connection.executemany("DELETE FROM passages WHERE chunk_id = ?",
                                   [(c,) for c in chunk_ids])

    def delete_document(self, workspace: str, document_id: str, keep: set[str]) -> None:
        """Remove the chunks held for ``document_id``, except those in ``keep``."""
        with self._connect(workspace) as connection:
            held = [r[0] for r in connection.execute(
                "SELECT chunk_id FROM passages WHERE document_id = ?", (document_id,))]
            connection.executemany("DELETE FROM passages WHERE chunk_id = ?",
                                   [(c,) for c in held if c not in keep])

    def reassign(self, workspace: str, document_id: str, prefix: str, owner: str) -> None:
        """Give the document's chunks whose ids start with ``prefix`` to ``owner``."""
        with self._connect(workspace) as connection:
            held = [r[0] for r in connection.execute(
                "SELECT chunk_id FROM passages WHERE document_id = ?", (document_id,))]
            connection.executemany("UPDATE passages SET document_id = ? WHERE chunk_id = ?",
                                   [(owner, c) for c in held if c.startswith(prefix)])

    def search(self, workspace: str, query: str, k: int,
               visible: Visible | None = None) -> list[tuple[str, float]]:
        """Up to ``k`` (chunk id, BM25 score) pairs, best first: unscreened, shown chunks.

        FTS5 finds the best ``4 * k`` by its own ``bm25()``, screened and hidden ones are
        dropped (while fewer than ``k`` are left of a full page, a four times longer page is
        read), and what is left is scored as bm25s scores it (k1 1.5, idf
        ``log(1 + (N - df + 0.5) / (df + 0.5))``, each query word as often as it occurs),
        so that results agree with the in-memory index.
        """
        words = tokens([query])[0]
        if not words or k < 1:
            return []
        match = " OR ".join(f'"{word}"' for word in sorted(set(words)))
        limit = 4 * k
        with self._connect(workspace) as connection:
            while True:
                rows = connection.execute(SEARCH, (match, limit)).fetchall()
                shown = [(chunk_id, body.split())
                         for chunk_id, document_id, screened, body in rows if not screened
                         and (visible is None or visible.shows(chunk_id, document_id))]
                if len(shown) >= k or len(rows) < limit:
                    break
                limit *= 4
            weights = _idf(connection, words)
        scored = sorted(((chunk_id, _bm25(body, weights)) for chunk_id, body in shown),
                        key=lambda hit: -hit[1])
        return [hit for hit in scored if hit[1] > 0][:k]


def _idf(connection: sqlite3.Connection, words: list[str]) -> tuple[list[tuple[str, float]],
                                                                      float]:
    """Each query word in the index with its idf (once per occurrence), and the mean length."""
    count, total = connection.execute("SELECT passages, words FROM totals").fetchone()
    weights = []
    for word in words:
        found = connection.execute("SELECT doc FROM passages_terms WHERE term = ?",
                                   (word,)).fetchone()
        if found is not None:
            weights.append((word, math.log(1 + (count - found[0] + 0.5) / (found[0] + 0.5))))
    return weights, total / max(count, 1)


def _bm25(body: list[str], weights: tuple[list[tuple[str, float]], float]) -> float:
    """A passage's BM25 score (bm25s's Lucene variant) for the weighted query words."""
    idf, mean = weights
    norm = K1 * (1 - B + B * len(body) / mean)
    return sum(weight * tf / (norm + tf) for word, weight in idf
               if (tf := body.count(word)))
