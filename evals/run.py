"""The eval harness: `python -m evals.run [retrieval|kinds|levels|robustness|projection|judge|all]`.

The samples are ingested once into a data dir (a temporary one unless `--data-dir` is given;
an existing one is reused, unchanged files are skipped) with the real embedding model and
Chroma; then each eval prints a Markdown report to stdout.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

from evals.evaluators import judge, kinds, levels, projection, retrieval, robustness
from evals.harness import SAMPLES_WORKSPACE, EvalEnv, build_env, eval_settings

EVALS: dict[str, Callable[[EvalEnv], str]] = {
    "retrieval": retrieval.evaluate,
    "kinds": kinds.evaluate,
    "levels": levels.evaluate,
    "robustness": robustness.evaluate,
    "projection": projection.evaluate,
}
DEFAULT_MODELS_DIR = Path.home() / ".cache" / "assay" / "models"


def parse(argv: list[str] | None) -> argparse.Namespace:
    """The command line; `judge` needs `--llm`."""
    parser = argparse.ArgumentParser(prog="python -m evals.run", description=__doc__)
    parser.add_argument("eval", nargs="?", default="all", choices=[*EVALS, "judge", "all"])
    parser.add_argument("--llm", choices=["local", "openai"],
                        help="also run judge vs match with this model (ASSAY_LLM__* settings)")
    parser.add_argument("--data-dir", type=Path, help="keep the ingested data here")
    parser.add_argument("--models-dir", type=Path, default=DEFAULT_MODELS_DIR,
                        help="where the local GGUF is assembled once (--llm local)")
    parser.add_argument("--judge-limit", type=int, help="judge only the first N level cases")
    args = parser.parse_args(argv)
    if args.eval == "judge" and args.llm is None:
        parser.error("judge needs --llm openai (recommended) or --llm local")
    return args


def link_models(data_dir: Path, models_dir: Path) -> None:
    """Point the data dir's models/ at a lasting folder, so the GGUF is assembled only once."""
    models_dir.mkdir(parents=True, exist_ok=True)
    link = data_dir / "models"
    if not link.exists():
        link.symlink_to(models_dir.resolve(), target_is_directory=True)


def run(args: argparse.Namespace, data_dir: Path) -> None:
    """Ingest, then run the chosen evals, printing each report as it finishes."""
    data_dir.mkdir(parents=True, exist_ok=True)
    if args.llm == "local":
        link_models(data_dir, args.models_dir)
    started = time.perf_counter()
    env = build_env(eval_settings(data_dir, args.llm or "fake"))
    print(f"# Assay evals, {date.today().isoformat()}\n\nEmbedding model "
          f"{env.context.embedder.model_name}; {len(env.chunks(SAMPLES_WORKSPACE))} chunks "
          f"from samples/, ready in {time.perf_counter() - started:.0f} s.\n")
    names = list(EVALS) if args.eval == "all" else [args.eval] if args.eval in EVALS else []
    for name in names:
        started = time.perf_counter()
        report = EVALS[name](env)
        print(f"{report}\n\n_{name}: {time.perf_counter() - started:.0f} s_\n", flush=True)
    if args.eval == "judge" or (args.eval == "all" and args.llm):
        print(judge.evaluate(env, args.judge_limit), flush=True)
    elif args.eval == "all":
        print("Judge vs match skipped: pass `--llm openai` (or `--llm local`, not recommended).")


def main(argv: list[str] | None = None) -> int:
    """Run the harness; 0 on success."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    args = parse(argv)
    if args.data_dir is not None:
        run(args, args.data_dir)
    else:
        with tempfile.TemporaryDirectory(prefix="assay-evals-") as temporary:
            run(args, Path(temporary) / "data")
    return 0


if __name__ == "__main__":
    sys.exit(main())
