"""The persistent lexical index scores as bm25s's in-memory index, from a saved snapshot,
and picks its candidates as the SQLite FTS5 index it replaced did."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from service.components.lexical import LexicalIndex, snapshot
from service.components.lexical.persistent import PersistentLexicalIndex, indexed_text, tokens
from service.domain.evidence import Chunk
from service.domain.visibility import Visible, chunk_id, chunk_prefix

WS = "ws"
SHA = "a" * 64
TEXTS = ["Backups are restored every quarter and the restore is logged.",
         "Backup tapes leave the building weekly.",
         "Access rights are reviewed every quarter by the system owner.",
         "The canteen opens at noon.",
         "Backups of the backup server are restored, backups are tested."]


def chunks(texts: list[str], document_id: str = "doc", **extra: bool) -> list[Chunk]:
    return [Chunk(chunk_id=chunk_id(document_id, SHA, i), workspace=WS, document_id=document_id,
                  document=f"{document_id}.md", index=i, text=text, **extra)
            for i, text in enumerate(texts)]


def versions(directory: Path) -> list[str]:
    return sorted(p.name for p in (directory / f"{WS}.bm25").iterdir())


@pytest.mark.parametrize("query", ["backups restored", "quarter quarter access", "canteen",
                                   "backup restore tested logged weekly"])
def test_scores_are_those_of_the_in_memory_bm25s_index(tmp_path: Path, query: str) -> None:
    stored = chunks(TEXTS)
    index = PersistentLexicalIndex(tmp_path)
    index.add(WS, stored)
    memory = LexicalIndex([c.chunk_id for c in stored], [indexed_text(c) for c in stored])
    found = index.search(WS, query, 3)
    expected = memory.search(query, 3)
    assert [c for c, _ in found] == [c for c, _ in expected]
    assert [s for _, s in found] == pytest.approx([s for _, s in expected], rel=1e-5)


def test_one_snapshot_per_text_version_read_back_by_another_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    index = PersistentLexicalIndex(tmp_path)
    index.add(WS, chunks(TEXTS))
    assert [c for c, _ in index.search(WS, "backups", 5)] == [
        chunk_id("doc", SHA, 4), chunk_id("doc", SHA, 0)]
    saved = versions(tmp_path)
    assert len(saved) == 1

    index.add(WS, chunks(TEXTS[:2], screened=True))  # screening rewrites no text
    visible = Visible(prefixes={"doc": chunk_prefix("doc", SHA)})
    assert [c for c, _ in index.search(WS, "backups", 5, visible)] == [chunk_id("doc", SHA, 4)]
    assert versions(tmp_path) == saved

    def never(rows: object) -> None:
        raise AssertionError("the saved snapshot is read, not rebuilt")

    with monkeypatch.context() as patched:
        patched.setattr(snapshot, "build", never)
        assert [c for c, _ in PersistentLexicalIndex(tmp_path).search(WS, "backups", 5)] == [
            chunk_id("doc", SHA, 4)]

    index.delete_chunks(WS, [chunk_id("doc", SHA, 4)])  # new text: a new version, the old goes
    assert index.search(WS, "backups", 5, visible) == []
    assert len(versions(tmp_path)) == 1 and versions(tmp_path) != saved


def test_hidden_and_screened_chunks_give_way_to_later_ones(tmp_path: Path) -> None:
    index = PersistentLexicalIndex(tmp_path)
    pending = chunks(["backups backups restored"] * 30, document_id="pending")
    index.add(WS, pending + chunks(["backups are restored"]))
    visible = Visible(prefixes={"doc": chunk_prefix("doc", SHA)})
    assert [c for c, _ in index.search(WS, "backups", 2, visible)] == [chunk_id("doc", SHA, 0)]
    tied = index.search(WS, "backups", 3)
    assert [c for c, _ in tied] == [c.chunk_id for c in pending[:3]]  # ties in order added


def test_an_empty_workspace_or_query_finds_nothing(tmp_path: Path) -> None:
    index = PersistentLexicalIndex(tmp_path)
    assert index.search(WS, "backups", 5) == []
    index.add(WS, chunks(["the and of"]))
    assert index.search(WS, "backups", 5) == []
    index.add(WS, chunks(["backups"]))
    assert index.search(WS, "the", 5) == [] and index.search(WS, "zebra", 5) == []


def test_candidates_are_picked_by_the_score_fts5_gave_them() -> None:
    bodies = [" ".join(words) for words in tokens([f"doc md {t}" for t in TEXTS])]
    built = snapshot.build(list(enumerate(bodies, start=1)))
    assert built is not None
    words = ["backups", "quarter", "restored", "md"]  # "md" is in every one: idf at its floor
    with sqlite3.connect(":memory:") as connection:
        connection.execute("CREATE VIRTUAL TABLE fts USING fts5(body)")
        connection.executemany("INSERT INTO fts (rowid, body) VALUES (?, ?)",
                               list(enumerate(bodies, start=1)))
        fts5 = dict(connection.execute(
            "SELECT rowid, -bm25(fts) FROM fts WHERE fts MATCH ?",
            (" OR ".join(f'"{w}"' for w in words),)).fetchall())
    picked = built.picking(words)
    assert {row: picked[row - 1] for row in fts5} == pytest.approx(fts5, rel=1e-9)
