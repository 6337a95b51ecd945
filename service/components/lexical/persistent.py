"""A persistent BM25 index per workspace: passages in SQLite, scored by a bm25s snapshot.

One SQLite file per workspace (``<dir>/<workspace>.sqlite3``) holds its passages, so that
BM25's statistics (document count, lengths, term frequencies) are the workspace's own. Texts
are tokenized as bm25s tokenizes them (lower case, words of two or more characters, English
stop words dropped) and stored as those tokens. Every write that adds, removes or rewrites a
passage raises the workspace's version (a trigger); the first search at a new version builds
bm25s's index of every passage and saves it beside the file (``<workspace>.bm25/<version>``),
and later searches, in this process or another, memory-map that snapshot. Scores are
bm25s's (k1 1.5, Lucene idf); the candidates they order are picked as the FTS5 index this
one replaced picked them (``Snapshot.picking``).

A row carries its chunk's document (the owner id, as in the vector store), screening flag
and kind, read at search time: searches leave out screened chunks and those ``visible`` does
not show. Screening and reassignment change no text, so they keep the snapshot. The vector
store reads the same flags (``flags``) to skip the records it would only drop.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterable, Iterator
from contextlib import closing, contextmanager
from pathlib import Path

import bm25s

from service.components.lexical import snapshot
from service.components.lexical.snapshot import Snapshot
from service.domain.evidence import Chunk
from service.domain.visibility import Visible

SCHEMA = """
PRAGMA journal_mode = WAL;
CREATE TABLE IF NOT EXISTS passages (
    rowid INTEGER PRIMARY KEY, chunk_id TEXT NOT NULL UNIQUE, document_id TEXT NOT NULL,
    screened INTEGER NOT NULL, body TEXT NOT NULL, length INTEGER NOT NULL, kind TEXT);
-- length: the number of tokens (the FTS5 version's statistics read it; files of that
-- version require it)
CREATE INDEX IF NOT EXISTS passages_document ON passages (document_id);
CREATE TABLE IF NOT EXISTS state (key TEXT PRIMARY KEY, value TEXT NOT NULL);
INSERT OR IGNORE INTO state VALUES ('version', '0');
CREATE TRIGGER IF NOT EXISTS version_added AFTER INSERT ON passages BEGIN
    UPDATE state SET value = CAST(value AS INTEGER) + 1 WHERE key = 'version'; END;
CREATE TRIGGER IF NOT EXISTS version_removed AFTER DELETE ON passages BEGIN
    UPDATE state SET value = CAST(value AS INTEGER) + 1 WHERE key = 'version'; END;
CREATE TRIGGER IF NOT EXISTS version_changed AFTER UPDATE OF body ON passages
    WHEN old.body IS NOT new.body BEGIN
    UPDATE state SET value = CAST(value AS INTEGER) + 1 WHERE key = 'version'; END;
-- the FTS5 index and totals of earlier versions, which the snapshots replace
DROP TRIGGER IF EXISTS passages_added;
DROP TRIGGER IF EXISTS passages_removed;
DROP TRIGGER IF EXISTS passages_changed;
DROP TRIGGER IF EXISTS totals_added;
DROP TRIGGER IF EXISTS totals_removed;
DROP TRIGGER IF EXISTS totals_changed;
DROP TABLE IF EXISTS passages_terms;
DROP TABLE IF EXISTS passages_fts;
DROP TABLE IF EXISTS totals;
"""
UPSERT = """
INSERT INTO passages (chunk_id, document_id, screened, body, length, kind)
VALUES (?, ?, ?, ?, ?, ?)
ON CONFLICT (chunk_id) DO UPDATE SET document_id = excluded.document_id,
    screened = excluded.screened, body = excluded.body, length = excluded.length,
    kind = excluded.kind
"""
COMPLETE = "complete"
Flags = tuple[str, bool, str | None]  # document id, screened, kind (None: not kept yet)
PAGE = 1000  # rows looked up at a time


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
        self._snapshots: dict[str, tuple[int, Snapshot | None]] = {}
        self._building = threading.Lock()

    @contextmanager
    def _connect(self, workspace: str) -> Iterator[sqlite3.Connection]:
        """The workspace's index (created on first use), in one transaction.

        Each thread keeps its connection per workspace: opening one reads the schema again.
        """
        path = self._directory / f"{workspace}.sqlite3"
        with self._lock:
            if path not in self._ready:
                self._directory.mkdir(parents=True, exist_ok=True)
                with closing(sqlite3.connect(path, timeout=30)) as connection:
                    connection.executescript(SCHEMA)
                    _add_kind(connection)
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
                (c.chunk_id, c.document_id, int(c.screened), " ".join(words), len(words),
                 c.kind.value) for c, words in zip(chunks, bodies, strict=True)])

    def flags(self, workspace: str, chunk_ids: list[str]) -> dict[str, Flags]:
        """Document id, screening flag and kind of those of these chunks the index holds."""
        found: dict[str, Flags] = {}
        with self._connect(workspace) as connection:
            for start in range(0, len(chunk_ids), PAGE):
                page = chunk_ids[start:start + PAGE]
                found.update((chunk_id, (document_id, bool(screened), kind))
                             for chunk_id, document_id, screened, kind in connection.execute(
                                 "SELECT chunk_id, document_id, screened, kind FROM passages "
                                 f"WHERE chunk_id IN ({','.join('?' * len(page))})", page))
        return found

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

        The snapshot picks the best ``4 * k`` passages as FTS5 did (``Snapshot.picking``),
        their rows are looked up, screened and hidden ones dropped (while fewer than ``k``
        are left of a full page, a four times longer page is read), and what is left is
        ordered by its bm25s score.
        """
        words = tokens([query])[0]
        if not words or k < 1:
            return []
        limit = 4 * k
        with self._connect(workspace) as connection:
            connection.execute("BEGIN")  # rows of the snapshot's version, not of a later write
            snapshot = self._snapshot(workspace, connection)
            while snapshot is not None:
                rowids, scores = snapshot.ranked(words, limit)
                rows = _rows(connection, rowids.tolist())
                shown = [(rows[rowid][0], score)
                         for rowid, score in zip(rowids.tolist(), scores.tolist(), strict=True)
                         if rowid in rows and not rows[rowid][2]
                         and (visible is None or visible.shows(*rows[rowid][:2]))]
                if len(shown) >= k or len(rowids) < limit:
                    best = sorted(shown, key=lambda hit: -hit[1])
                    return [hit for hit in best if hit[1] > 0][:k]
                limit *= 4
        return []

    def _snapshot(self, workspace: str, connection: sqlite3.Connection) -> Snapshot | None:
        """The snapshot of the workspace's current version: kept, loaded, or built and saved.

        None while the workspace has no word to find.
        """
        version = int(connection.execute("SELECT value FROM state WHERE key = 'version'")
                      .fetchone()[0])
        kept = self._snapshots.get(workspace)
        if kept is not None and kept[0] == version:
            return kept[1]
        with self._building:
            folder = self._directory / f"{workspace}.bm25" / str(version)
            current: Snapshot | None
            try:
                current = snapshot.load(folder)
            except FileNotFoundError:
                current = self._build(connection, folder)
            self._snapshots[workspace] = (version, current)
        return current

    @staticmethod
    def _build(connection: sqlite3.Connection, folder: Path) -> Snapshot | None:
        """Index every passage of the version ``folder`` is named by, and save it there."""
        rows = connection.execute("SELECT rowid, body FROM passages ORDER BY rowid").fetchall()
        built = snapshot.build(rows)
        if built is not None:
            snapshot.save(built, folder)
            snapshot.prune(folder)
        return built


def _rows(connection: sqlite3.Connection, rowids: list[int]) -> dict[int, tuple[str, str, int]]:
    """Chunk id, document id and screening flag of these rows (gone ones are left out)."""
    found: dict[int, tuple[str, str, int]] = {}
    for start in range(0, len(rowids), PAGE):
        page = rowids[start:start + PAGE]
        found.update((rowid, (chunk_id, document_id, screened)) for rowid, chunk_id, document_id,
                     screened in connection.execute(
                         "SELECT rowid, chunk_id, document_id, screened FROM passages "
                         f"WHERE rowid IN ({','.join('?' * len(page))})", page))
    return found


def _add_kind(connection: sqlite3.Connection) -> None:
    """Give a file from before chunk kinds were kept a kind column, and have it backfilled."""
    if "kind" not in {row[1] for row in connection.execute("PRAGMA table_info(passages)")}:
        with connection:
            connection.execute("ALTER TABLE passages ADD COLUMN kind TEXT")
            connection.execute("DELETE FROM state WHERE key = ?", (COMPLETE,))
