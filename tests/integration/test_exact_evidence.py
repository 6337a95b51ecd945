"""The evidence over the floor stays exact after documents are removed and added many times.

Chroma's HNSW index loses live records after many deletes and upserts (chroma-core/chroma
#7758, 1.5.9): they can still be read by id, but no query finds them. The evidence set of a
workspace under ``EXACT_LIMIT`` records is searched in its stored vectors instead
(``vectorstore/table.py``), so it is what scoring every vector gives, whatever the index
went through. The real Chroma, vectors of 16 dimensions (at this size its index still
finds them all; the loss was seen on the comply eval's scratch workspace, evals/README.md).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from service.components.embedding import FakeEmbedder
from service.components.vectorstore import build_vector_store
from service.components.vectorstore.table import VectorTable
from service.domain.evidence import Chunk, Sentence
from service.domain.visibility import Visible, chunk_id, chunk_prefix
from service.settings import VectorStoreSettings

pytestmark = pytest.mark.integration

WS = "churn"
DIMENSION = 16
SHA = "c" * 64
DOCUMENTS, PER_DOCUMENT = 40, 50


def chunks_of(document: int) -> list[Chunk]:
    name = f"d{document}"
    return [Chunk(chunk_id=chunk_id(name, SHA, i), workspace=WS, document_id=name,
                  document=f"{name}.md", index=i, text=f"text {document} {i}")
            for i in range(PER_DOCUMENT)]


def test_the_floor_set_is_exact_after_many_removals_and_re_additions(tmp_path: Path) -> None:
    store = build_vector_store(VectorStoreSettings(), tmp_path, FakeEmbedder(dimension=DIMENSION))
    rng = np.random.default_rng(3)
    rows = rng.normal(0, 1, (DOCUMENTS * PER_DOCUMENT, DIMENSION))
    vectors = rows / np.linalg.norm(rows, axis=1, keepdims=True)

    def add(document: int) -> None:
        part = slice(document * PER_DOCUMENT, (document + 1) * PER_DOCUMENT)
        chunks = chunks_of(document)
        store.add(WS, chunks, vectors[part].tolist())
        store.add_sentences(WS, [Sentence(sentence_id=f"{c.chunk_id}:s000", chunk_id=c.chunk_id,
                                          document_id=c.document_id, text=c.text)
                                 for c in chunks], vectors[part].tolist())

    for document in range(DOCUMENTS):
        add(document)
    for _ in range(3):  # the robustness eval's scratch workspace: documents out and back in
        for document in rng.choice(DOCUMENTS, DOCUMENTS // 2, replace=False).tolist():
            store.delete_document(WS, f"d{document}", keep=set())
            add(document)
    visible = Visible(prefixes={f"d{d}": chunk_prefix(f"d{d}", SHA) for d in range(DOCUMENTS)})
    queries = vectors[rng.choice(len(vectors), 5, replace=False)] + rng.normal(0, 0.1, (5, 16))
    floor = 0.5
    best = (queries @ vectors.T / np.linalg.norm(queries, axis=1)[:, None]).max(axis=0)
    expected = {c.chunk_id for d in range(DOCUMENTS) for c in chunks_of(d)
                if best[d * PER_DOCUMENT + c.index] >= floor}
    assert len(expected) > 50

    for sentences in (False, True):
        table = store.table(WS, sentences)
        assert isinstance(table, VectorTable) and len(table.owners) == len(vectors)
        assert table.above(queries.tolist(), floor, visible).keys() == expected

    # the dense candidate lists too: the nearest k, none hidden
    table = store.table(WS)
    assert table is not None
    hidden = Visible(prefixes={f"d{d}": chunk_prefix(f"d{d}", SHA) for d in range(1, DOCUMENTS)})
    ids = [c.chunk_id for d in range(DOCUMENTS) for c in chunks_of(d)]
    for query, found in zip(queries, table.nearest(queries.tolist(), 10, table.shown(hidden)),
                            strict=True):
        ranked = [ids[i] for i in np.argsort(-(vectors @ query))
                  if not ids[i].startswith(chunk_prefix("d0", SHA))]
        assert [chunk for chunk, _ in found] == ranked[:10]

