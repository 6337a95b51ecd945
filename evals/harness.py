"""The eval environment: a data dir with the samples ingested once, and passage lookup."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Literal

from evals.cases import DatasetError, PassageLabel
from service.components.catalog import CatalogRegistry, build_registry
from service.components.embedding import Embedder
from service.composition import build_context
from service.domain.evidence import Chunk
from service.pipeline.context import PipelineContext
from service.pipeline.ingest import Ingestor, IngestOutcome, expand_paths
from service.pipeline.score.citations import quote_in
from service.settings import ScoringSettings, Settings

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "samples"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SAMPLES_WORKSPACE = "samples"
KIND_FIXTURES_WORKSPACE = "kind-fixtures"
LLMMode = Literal["local", "openai", "fake"]


class CachingEmbedder:
    """Remembers vectors by text: the sweeps rebuild retrievers that embed the same queries."""

    def __init__(self, inner: Embedder) -> None:
        self._inner = inner
        self._vectors: dict[str, list[float]] = {}

    @property
    def model_name(self) -> str:
        """The wrapped model's name."""
        return self._inner.model_name

    @property
    def dimension(self) -> int:
        """The wrapped model's vector length."""
        return self._inner.dimension

    def embed(self, texts: list[str]) -> list[list[float]]:
        """Vectors for the texts, embedding only those not seen before."""
        missing = list(dict.fromkeys(t for t in texts if t not in self._vectors))
        if missing:
            self._vectors.update(zip(missing, self._inner.embed(missing), strict=True))
        return [self._vectors[t] for t in texts]


@dataclass(frozen=True)
class EvalEnv:
    """The pipeline over the eval data dir, the catalogs, and the workspaces' chunks."""

    context: PipelineContext
    registry: CatalogRegistry
    workspace: str = SAMPLES_WORKSPACE

    def chunks(self, workspace: str | None = None) -> list[Chunk]:
        """Every chunk of a workspace (the samples by default)."""
        return self.context.store.chunks(workspace or self.workspace)

    def with_scoring(self, scoring: ScoringSettings) -> PipelineContext:
        """The context with other scoring settings; stores and model are shared."""
        settings = self.context.settings.model_copy(update={"scoring": scoring})
        return replace(self.context, settings=settings)


def ingest(context: PipelineContext, workspace: str, paths: list[Path]) -> list[IngestOutcome]:
    """Ingest files or folders; a rejected file is an error, since every fixture must index."""
    ingestor = Ingestor(context, workspace)
    outcomes = [ingestor.ingest(path, name) for path, name in expand_paths(paths)]
    rejected = [f"{o.document}: {o.error}" for o in outcomes if o.status == "rejected"]
    if rejected:
        raise DatasetError(f"fixtures were rejected at ingest: {'; '.join(rejected)}")
    return outcomes


def build_env(settings: Settings) -> EvalEnv:
    """Wire the pipeline and ingest the samples and the kind fixtures (unchanged files skip)."""
    context = build_context(settings)
    ingest(context, SAMPLES_WORKSPACE, [SAMPLES])
    ingest(context, KIND_FIXTURES_WORKSPACE, [FIXTURES / "kinds"])
    context = replace(context, embedder=CachingEmbedder(context.embedder))
    return EvalEnv(context=context, registry=build_registry(settings))


def eval_settings(data_dir: Path, llm_mode: LLMMode = "fake") -> Settings:
    """Settings for the evals: the data dir, matching without the LLM verifier, the LLM mode.

    Plain dicts, so that ``ASSAY_*`` variables (e.g. the openai endpoint) merge into them.
    """
    return Settings(data_dir=data_dir, scoring={"verify": False}, llm={"mode": llm_mode})


def holds(chunk: Chunk, label: PassageLabel) -> bool:
    """Whether the chunk is of the labelled document and contains the labelled text."""
    return chunk.document == label.document and quote_in(label.contains, chunk.text)


def locate(chunks: Iterable[Chunk], label: PassageLabel) -> list[Chunk]:
    """The chunks holding a labelled passage, in index order; a label that matches none fails."""
    found = sorted((c for c in chunks if holds(c, label)), key=lambda c: c.index)
    if not found:
        raise DatasetError(
            f"label not found: {label.document} does not contain {label.contains!r}"
        )
    return found
