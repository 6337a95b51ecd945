"""A persistent BM25 index per workspace: SQLite FTS5, updated as chunks are written.

One SQLite file per workspace (``<dir>/<workspace>.sqlite3``), so that BM25's statistics
(document count, lengths, term frequencies) are the workspace's own, as with the in-memory
index. Texts are tokenized as bm25s tokenizes them (lower case, words of two or more
characters, English stop words dropped) and stored as those tokens, so a document's length
is the same for both; FTS5's ``bm25()`` ranks them (k1 1.2, b 0.75).

A row carries its chunk's document (the owner id, as in the vector store) and screening
flag: searches leave out screened chunks and those ``visible`` does not show.
"""

from __future__ import annotations

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
    screened INTEGER NOT NULL, body TEXT NOT NULL);
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
CREATE TABLE IF NOT EXISTS state (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""
UPSERT = """
INSERT INTO passages (chunk_id, document_id, screened, body) VALUES (?, ?, ?, ?)
ON CONFLICT (chunk_id) DO UPDATE SET document_id = excluded.document_id,
    screened = excluded.screened, body = excluded.body
"""
SEARCH = """
SELECT p.chunk_id, p.document_id, -bm25(passages_fts) FROM passages_fts
JOIN passages AS p ON p.rowid = passages_fts.rowid
WHERE passages_fts MATCH ? AND p.screened = 0 ORDER BY bm25(passages_fts) LIMIT ?
"""
COMPLETE = "complete"


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

    @contextmanager
    def _connect(self, workspace: str) -> Iterator[sqlite3.Connection]:
        """A connection to the workspace's index (created on first use), one transaction."""
        path = self._directory / f"{workspace}.sqlite3"
        with self._lock:
            if path not in self._ready:
                self._directory.mkdir(parents=True, exist_ok=True)
                with closing(sqlite3.connect(path, timeout=30)) as connection:
                    connection.executescript(SCHEMA)
                self._ready.add(path)
        with closing(sqlite3.connect(path, timeout=30)) as connection, connection:
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
                (c.chunk_id, c.document_id, int(c.screened), " ".join(words))
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

        Hidden chunks are dropped after ranking; while fewer than ``k`` are left of a full
        page, a four times longer page is read.
        """
        words = sorted(set(tokens([query])[0]))
        if not words or k < 1:
            return []
        match = " OR ".join(f'"{word}"' for word in words)
        limit = 4 * k
        with self._connect(workspace) as connection:
            while True:
                rows = connection.execute(SEARCH, (match, limit)).fetchall()
                shown = [(chunk_id, float(score)) for chunk_id, document_id, score in rows
                         if visible is None or visible.shows(chunk_id, document_id)]
                if len(shown) >= k or len(rows) < limit:
                    return shown[:k]
                limit *= 4
