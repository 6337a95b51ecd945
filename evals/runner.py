"""`assay eval`: ingest the labelled workspaces once, then run the chosen suites.

The data dir is temporary unless one is given; a kept one makes re-runs fast (unchanged
files are skipped at ingest). The local model's GGUF is assembled once into a lasting
models folder that the data dir links to.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Literal

from evals.progress import Progress
from evals.session import EvalSession, SuiteResult
from evals.suites import chat, projection, retrieval, robustness, scoring
from evals.workspaces import all_targets, ingest_targets
from service.components.catalog import build_registry
from service.components.llm import LLM, build_llm
from service.composition import build_context
from service.pipeline.scoring_setup import needs_llm
from service.settings import Settings

SUITES: dict[str, Callable[[EvalSession], SuiteResult]] = {
    "retrieval": retrieval.run,
    "scoring": scoring.run,
    "robustness": robustness.run,
    "chat": chat.run,
    "projection": projection.run,
}
LLMMode = Literal["local", "openai", "ollama", "fake"]
DEFAULT_MODELS_DIR = Path.home() / ".cache" / "assay" / "models"


@dataclass(frozen=True)
class EvalOptions:
    """What to run: suites, model, a dataset filter, a case limit and where data lives."""

    suites: tuple[str, ...] = tuple(SUITES)
    llm: LLMMode | None = None
    dataset: str | None = None
    limit: int | None = None
    data_dir: Path | None = None
    models_dir: Path = DEFAULT_MODELS_DIR
    as_of: date | None = None


def link_models(data_dir: Path, models_dir: Path) -> None:
    """Point the data dir's models/ at a lasting folder, so the GGUF is assembled only once."""
    models_dir.mkdir(parents=True, exist_ok=True)
    link = data_dir / "models"
    if not link.exists():
        link.symlink_to(models_dir.resolve(), target_is_directory=True)


def eval_settings(data_dir: Path, llm: LLMMode | None) -> Settings:
    """The embedded defaults over the eval data dir; ``ASSAY_*`` variables still apply."""
    if llm is None:
        return Settings(data_dir=data_dir)
    return Settings(data_dir=data_dir, llm={"mode": llm})


@contextmanager
def data_dir_for(options: EvalOptions) -> Iterator[Path]:
    """The kept data dir, or a temporary one removed afterwards."""
    if options.data_dir is not None:
        options.data_dir.mkdir(parents=True, exist_ok=True)
        yield options.data_dir
        return
    with tempfile.TemporaryDirectory(prefix="assay-eval-") as temporary:
        yield Path(temporary) / "data"


def run_eval(options: EvalOptions, progress: Progress) -> dict[str, SuiteResult]:
    """Ingest, load the model if a suite needs one, and run the suites in order."""
    unknown = set(options.suites) - SUITES.keys()
    if unknown:
        raise ValueError(f"unknown suites: {', '.join(sorted(unknown))}")
    with data_dir_for(options) as data_dir:
        data_dir.mkdir(parents=True, exist_ok=True)
        link_models(data_dir, options.models_dir)
        settings = eval_settings(data_dir, options.llm)
        context = build_context(settings)
        # the chat suite brings its own samples: the labelled workspaces only for the others
        needs_targets = bool(set(options.suites) - {"chat"})
        targets = all_targets(options.dataset, options.limit) if needs_targets else []
        ingest_targets(context, targets, progress)
        wants_model = "chat" in options.suites or (
            {"scoring", "robustness", "projection"} & set(options.suites)
            and needs_llm(settings.scoring))
        llm: LLM | None = build_llm(settings.llm, data_dir) if wants_model else None
        session = EvalSession(context, build_registry(settings), targets, llm, progress,
                              options.dataset, options.as_of, options.limit)
        return {name: SUITES[name](session) for name in options.suites}
