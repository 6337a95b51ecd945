"""A framework's assessment queries are embedded once per model, then read from the cache."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from service.components.catalog import build_registry
from service.components.embedding import FakeEmbedder
from service.components.embedding import cache as vector_cache
from service.components.embedding.cache import cached_vectors
from service.pipeline.retrieve import Retriever, requirement_queries
from service.pipeline.scoring_setup import retrieval_params
from tests.conftest import ContextFactory, CountingEmbedder


def test_queries_are_embedded_once_across_retrievers_and_processes(
    make_context: ContextFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    counting = CountingEmbedder(FakeEmbedder())
    context = make_context(embedder=counting)
    requirements = build_registry(context.settings).assessable("iso27001-2022")[:10]
    queries = {q for r in requirements for q in requirement_queries(r)}
    vectors = []
    for _ in range(2):
        monkeypatch.setattr(vector_cache, "_memory", {})  # as in a new process
        retriever = Retriever(context, "qa", retrieval_params(context.settings.scoring))
        retriever.prepare(requirements)
        vectors.append(retriever.vectors(sorted(queries)))
    assert counting.texts == len(queries)
    assert vectors[0] == vectors[1] == FakeEmbedder().embed(sorted(queries))
    assert len(list((context.settings.data_dir / "cache" / "queries").glob("*.npy"))) == 1


def test_another_model_or_other_texts_get_their_own_vectors(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(vector_cache, "_memory", {})
    small, wide = FakeEmbedder(dimension=8), FakeEmbedder(dimension=16)
    first = cached_vectors(small, ["a", "b"], tmp_path, "q")
    assert cached_vectors(wide, ["a", "b"], tmp_path, "q").shape == (2, 16)
    assert cached_vectors(small, ["a", "c"], tmp_path, "q").shape == (2, 8)
    assert np.array_equal(cached_vectors(small, ["a", "b"], tmp_path, "q"), first)
    assert len(list(tmp_path.glob("q-*.npy"))) == 3
