"""Projection: levels carried from ISO 27001 against direct assessments of each target.

In the samples and in every labelled ISO 27001 workspace (the real comply set, the graded
profiles), ISO 27001 is assessed directly (maturity 0-5; only the target's labelled
requirements, all 123 for comply), then projected onto NIST CSF 2.0, EU GMP (Annex 11) and
21 CFR Part 11. Each carried result's evidence check scores the target requirement directly
with the scorer of `assay assess`, so agreement is how often a carried level matches what
assessing the target directly proposes (`evals/evaluators/projection.py`).
"""

from __future__ import annotations

from dataclasses import asdict

from evals.evaluators.projection import SCALE, SOURCE, TARGETS, agreements_in
from evals.harness import SAMPLES, ingest
from evals.markdown import section, table
from evals.session import EvalSession, SuiteResult

SAMPLES_WORKSPACE = "eval-samples"


def workspaces(session: EvalSession) -> list[tuple[str, str, tuple[str, ...]]]:
    """Where to project from: (name, workspace, refs) of each source workspace.

    The samples (unless the run names another dataset), then each labelled ISO 27001 target
    with its labelled refs.
    """
    found: list[tuple[str, str, tuple[str, ...]]] = []
    if session.dataset is None or session.dataset in "samples":
        ingest(session.context, SAMPLES_WORKSPACE, [SAMPLES])
        found.append(("samples", SAMPLES_WORKSPACE, ()))
    found += [(t.name, t.workspace, tuple(c.ref for c in t.cases))
              for t in session.targets if t.framework == SOURCE and t.cases]
    return found


def run(session: EvalSession) -> SuiteResult:
    """Per workspace and target: carried, compared, exact, within one, MAE, bias."""
    spaces = workspaces(session)
    session.progress.start("projection", len(spaces) * (1 + len(TARGETS)))
    rows = []
    for name, workspace, refs in spaces:
        for agreement in agreements_in(session.context, session.registry, workspace, refs,
                                       session.llm, session.progress.advance):
            rows.append({"dataset": name} | asdict(agreement))
    columns = ("dataset", "target", "requirements", "carried", "partial", "compared", "exact",
               "within_one", "mae", "bias", "disagrees", "no_evidence")
    markdown = section(
        f"Projection: carried levels vs direct assessment ({SOURCE} source, {SCALE})",
        table(columns, [tuple(row[c] for c in columns) for row in rows]),
        "Bias is carried minus direct. 'compared' counts carried results whose target "
        "requirement found evidence (n/a: none did); 'disagrees' is more than one level apart.",
    )
    return SuiteResult({"source": SOURCE, "scale": SCALE, "targets": list(TARGETS),
                        "results": rows}, markdown)
