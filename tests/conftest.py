"""Shared fixtures: one real embedding model per test session, fresh data dirs per test."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from service.components.embedding import Embedder, FakeEmbedder, LocalEmbedder
from service.components.llm.weights import QWEN_CODER_1_5B_Q4_K_M, ensure_model_file, stamp_path
from service.composition import build_context
from service.pipeline.context import PipelineContext
from service.settings import LocalLLMSettings, Settings, VectorStoreSettings

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("ASSAY_BLOCK_REMOTE_LLM", "1")  # build_llm refuses non-loopback models
pytest_plugins = ["tests.web_helpers"]
REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "samples"


class CountingEmbedder:
    """Wraps an embedder and counts its calls and the texts it embeds (``seen``: which)."""

    def __init__(self, inner: Embedder) -> None:
        self.inner = inner
        self.calls = 0
        self.texts = 0
        self.seen: list[str] = []

    @property
    def model_name(self) -> str:
        return self.inner.model_name

    @property
    def dimension(self) -> int:
        return self.inner.dimension

    def embed(self, texts: list[str]) -> list[list[float]]:
        self.calls += 1
        self.texts += len(texts)
        self.seen.extend(texts)
        return self.inner.embed(texts)


@pytest.fixture(scope="session")
def real_embedder() -> LocalEmbedder:
    """all-MiniLM-L6-v2 from its PyPI package, loaded once."""
    return LocalEmbedder(batch_size=64)


ContextFactory = Callable[..., PipelineContext]


@pytest.fixture
def make_context(tmp_path: Path, request: pytest.FixtureRequest) -> ContextFactory:
    """Build a pipeline context over a fresh data dir, with the real model by default.

    The real model is asked for only when no embedder is given, so that unit tests that
    pass the fake one never construct it.
    """

    def factory(
        embedder: Embedder | None = None,
        data_dir: Path | None = None,
        vectorstore: VectorStoreSettings | None = None,
        **ingest: int,
    ) -> PipelineContext:
        settings = Settings(
            data_dir=data_dir or tmp_path / "data",
            vectorstore=vectorstore or VectorStoreSettings(),
            ingest={**Settings().ingest.model_dump(), **ingest},
        )
        if embedder is None:
            embedder = request.getfixturevalue("real_embedder")
        return build_context(settings, embedder)

    return factory


@pytest.fixture
def fake_embedder() -> FakeEmbedder:
    """Deterministic vectors for tests whose subject is not retrieval quality."""
    return FakeEmbedder()


@pytest.fixture(autouse=True)
def _fake_llm_unless_marked_real(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Settings pick the scripted chat model unless a test is marked ``real_llm``."""
    if request.node.get_closest_marker("real_llm") is None:
        monkeypatch.setenv("ASSAY_LLM__MODE", "fake")


@pytest.fixture(scope="session")
def local_model_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A data dir whose models/ holds the GGUF assembled from the packages (1 GB, once)."""
    data_dir = tmp_path_factory.mktemp("llm-data")
    model_path = data_dir / "models" / LocalLLMSettings().model_file
    ensure_model_file(model_path, QWEN_CODER_1_5B_Q4_K_M)
    yield data_dir
    model_path.unlink(missing_ok=True)
    stamp_path(model_path).unlink(missing_ok=True)


class CachingEmbedder:
    """Wraps an embedder and remembers every vector, so re-ingesting the same text is free."""

    def __init__(self, inner: Embedder) -> None:
        self.inner = inner
        self._vectors: dict[str, list[float]] = {}

    @property
    def model_name(self) -> str:
        return self.inner.model_name

    @property
    def dimension(self) -> int:
        return self.inner.dimension

    def embed(self, texts: list[str]) -> list[list[float]]:
        missing = sorted(set(texts) - self._vectors.keys())
        if missing:
            self._vectors.update(zip(missing, self.inner.embed(missing), strict=True))
        return [self._vectors[text] for text in texts]


@pytest.fixture(scope="session")
def cached_embedder(real_embedder: LocalEmbedder) -> CachingEmbedder:
    """The real model behind a session-wide cache: the samples are embedded once per session."""
    return CachingEmbedder(real_embedder)
