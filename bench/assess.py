"""Assessment benchmark: a full ISO 27001 assessment of the samples on the local model.

Run: `make bench` (or `.venv/bin/python bench/assess.py [--framework ID] [--rationales N]`).
Prints a Markdown table: retrieval-only time for the whole framework, the share of
requirements the floor settles without any LLM call, the levels' time (the 5-minute goal)
and the rationales' time apart (the model writes them after the levels), model calls per
requirement for each, tokens per call, and the machine's load average before and after.
``--rationales N`` has the model write only the first N pending rationales (the rest keep
the template), for a quicker run. The assembled model is reused from ./data/models when it
is there.
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import time
from pathlib import Path

from service.components.catalog import build_registry
from service.components.llm import build_llm
from service.composition import build_context
from service.pipeline.assess import AssessmentRequest, run_assessment
from service.pipeline.ingest import Ingestor, expand_paths
from service.pipeline.rationales import write_rationales
from service.pipeline.report import load_assessment
from service.pipeline.retrieve import Retriever
from service.pipeline.scoring_setup import retrieval_params
from service.settings import Settings

REPO = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--framework", default="iso27001-2022")
    parser.add_argument("--rationales", type=int, default=None,
                        help="write at most this many model rationales (default: all)")
    arguments = parser.parse_args()
    framework, limit = arguments.framework, arguments.rationales
    load_before = os.getloadavg()
    data_dir = Path(tempfile.mkdtemp(prefix="assay-bench-assess-"))
    shared_models = REPO / "data" / "models"
    if shared_models.is_dir():
        (data_dir / "models").symlink_to(shared_models)
    settings = Settings(data_dir=data_dir)
    context = build_context(settings)
    ingestor = Ingestor(context, "bench")
    for path, name in expand_paths([REPO / "samples"]):
        ingestor.ingest(path, name)
    registry = build_registry(settings)
    requirements = registry.assessable(framework)

    start = time.perf_counter()
    retriever = Retriever(context, "bench", retrieval_params(settings.scoring))
    retriever.prepare(requirements)
    empty = sum(not retriever.retrieve(r) for r in requirements)
    retrieval_s = time.perf_counter() - start

    start = time.perf_counter()
    llm = build_llm(settings.llm, data_dir)
    load_s = time.perf_counter() - start
    start = time.perf_counter()
    assessment_id = run_assessment(context, registry,
                                   AssessmentRequest("bench", framework), llm)
    assess_s = time.perf_counter() - start
    levels_usage = llm.usage()

    start = time.perf_counter()
    run = write_rationales(context, assessment_id, llm, limit=limit)
    rationale_s = time.perf_counter() - start
    usage = llm.usage()
    rationale_calls = usage.calls - levels_usage.calls
    _, proposals = load_assessment(context, assessment_id, "bench")
    calls = max(usage.calls, 1)
    n = len(requirements)
    load_after = os.getloadavg()
    rows = [
        ("requirements", f"{n} ({framework})"),
        ("retrieval only, whole framework", f"{retrieval_s:.1f} s"),
        ("settled by the floor, no LLM call", f"{empty} of {n} ({empty / n:.0%})"),
        ("model load", f"{load_s:.1f} s"),
        ("levels (full assessment)", f"{assess_s:.0f} s ({assess_s / n:.2f} s per requirement)"),
        ("model calls for the levels",
         f"{levels_usage.calls} ({levels_usage.calls / n:.2f} per requirement)"),
        ("rationales", f"{rationale_s:.0f} s for {rationale_calls} model calls "
                       f"({rationale_s / max(rationale_calls, 1):.1f} s each); "
                       f"{run.written + run.cached - run.fallback} kept, {run.fallback} failed "
                       "a check (the template stands)"),
        ("tokens per call", f"{usage.prompt_tokens / calls:.0f} prompt, "
                            f"{usage.completion_tokens / calls:.1f} output"),
        ("levels", ", ".join(f"{lv}: {sum(p.maturity == lv for p in proposals)}"
                             for lv in range(6))),
        ("load average (1 min) before, after", f"{load_before[0]:.1f}, {load_after[0]:.1f}"),
    ]
    print("| figure | value |\n|---|---|")
    for name, value in rows:
        print(f"| {name} | {value} |")
    shutil.rmtree(data_dir)


if __name__ == "__main__":
    main()
