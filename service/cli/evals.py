"""`assay eval`: the labelled datasets of evals/ against the pipeline, as figures."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any, Literal

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from service.cli.options import AsOfOpt, JsonOpt
from service.cli.output import emit_json, stderr, stdout, with_errors
from service.errors import InvalidInputError

app = typer.Typer()
SUITE_NAMES = ("retrieval", "scoring", "robustness", "chat", "projection")


class BarProgress:
    """A rich progress bar on stderr, one task at a time."""

    def __init__(self, bar: Progress) -> None:
        self._bar = bar
        self._task: Any = None

    def start(self, description: str, total: int) -> None:
        """Replace the current task with a new one."""
        if self._task is not None:
            self._bar.remove_task(self._task)
        self._task = self._bar.add_task(description, total=total)

    def advance(self, detail: str = "") -> None:
        """One step done."""
        if self._task is not None:
            self._bar.advance(self._task)


@app.command(name="eval")
@with_errors
def evaluate(
    suite: Annotated[str, typer.Option("--suite", help="retrieval, scoring, robustness, "
                                       "chat, projection or all.")] = "all",
    llm: Annotated[Literal["local", "openai", "ollama", "fake"] | None,
                   typer.Option("--llm", help="The model (default: the settings' mode).")
                   ] = None,
    dataset: Annotated[str | None, typer.Option(
        "--dataset", help="Only datasets whose name contains this.")] = None,
    limit: Annotated[int | None, typer.Option(
        "--limit", min=1, help="Only the first N cases of each workspace.")] = None,
    data_dir: Annotated[Path | None, typer.Option(
        "--data-dir", help="Keep the ingested workspaces here; re-runs skip unchanged files."
    )] = None,
    out: Annotated[Path | None, typer.Option("--out", help="Also write the JSON here.")] = None,
    as_of: AsOfOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Run the labelled eval suites and print their figures.

    Records are judged fresh as of each dataset's own ``as_of`` (else today); --as-of
    overrides it for every dataset.
    """
    try:
        from evals.runner import EvalOptions, run_eval
    except ImportError as error:
        raise InvalidInputError("assay eval runs from a source checkout: the evals/ package "
                                f"is not importable ({error})") from error
    if suite not in (*SUITE_NAMES, "all"):
        raise InvalidInputError(f"unknown suite '{suite}': use {', '.join(SUITE_NAMES)} or all")
    options = EvalOptions(suites=SUITE_NAMES if suite == "all" else (suite,), llm=llm,
                          dataset=dataset, limit=limit, data_dir=data_dir,
                          as_of=as_of.date() if as_of else None)
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
               TimeElapsedColumn())
    with Progress(*columns, console=stderr, transient=True) as bar:
        results = run_eval(options, BarProgress(bar))
    payload = {name: result.data for name, result in results.items()}
    if out is not None:
        out.write_text(json.dumps(payload, ensure_ascii=False, indent=2), encoding="utf-8")
    if json_out:
        emit_json(payload)
        return
    for result in results.values():
        stdout.print(result.markdown + "\n", markup=False, highlight=False)
