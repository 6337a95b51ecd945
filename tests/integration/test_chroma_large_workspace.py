"""A workspace past SQLite's 32,766 bound variables is still read whole, by the real Chroma.

An unpaged ``get`` binds one variable per record, so before the store paged its reads a
workspace of 33,000 chunks failed every retrieval with "too many SQL variables".
"""

from __future__ import annotations

from pathlib import Path

import pytest

from service.components.embedding.fake import FakeEmbedder
from service.components.lexical.persistent import PersistentLexicalIndex
from service.components.vectorstore import ChromaStore
from service.components.vectorstore.chroma import persistent_client
from service.domain.evidence import Chunk, Sentence

CHUNKS = 33_000


def test_a_workspace_of_33000_chunks_is_read_whole(tmp_path: Path) -> None:
    embedder = FakeEmbedder(dimension=8)
    store = ChromaStore(persistent_client(tmp_path / "chroma"), embedder,
                        PersistentLexicalIndex(tmp_path / "lexical"))
    chunks = [Chunk(chunk_id=f"d{i // 100}:{i}", workspace="big", document_id=f"d{i // 100}",
                    document=f"doc{i // 100}.md", index=i % 100, text=f"backup record {i}")
              for i in range(CHUNKS)]
    vectors = embedder.embed([c.text for c in chunks])
    store.add("big", chunks, vectors)
    sentences = [Sentence(sentence_id=f"{c.chunk_id}:0", chunk_id=c.chunk_id,
                          document_id=c.document_id, text=c.text) for c in chunks]
    store.add_sentences("big", sentences, vectors)

    everything = store.chunks("big")
    assert len(everything) == CHUNKS
    assert (everything[0].document, everything[0].index) == ("doc0.md", 0)
    ids = [c.chunk_id for c in chunks]
    by_id = store.chunk_vectors("big", ids)
    assert len(by_id) == CHUNKS
    assert by_id[ids[-1]] == pytest.approx(vectors[-1], rel=1e-6)
    found, found_vectors = store.sentences("big", ids)
    assert len(found) == len(found_vectors) == CHUNKS
    assert len(store.chunks("big", ids=ids)) == CHUNKS
