"""Retrieval: recall of labelled passages, precision at the floor, and a floor calibration sweep.

A labelled passage is found when some retrieved chunk contains its text. Recall@k reads the
fused ranking before the floor (and, for comparison, the candidates ordered by relevance).
"Kept" and precision read what scoring sees: ``retrieve()`` at a floor (top k over the floor
plus extra records). Precision counts a retrieved chunk as relevant when it holds a labelled
passage of the requirement; the labels are not exhaustive, so it is a lower bound.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from evals.cases import RetrievalCase, load_retrieval
from evals.harness import EvalEnv, holds, locate
from evals.markdown import pct, section, table
from service.domain.catalog import Requirement
from service.domain.evidence import Evidence
from service.pipeline.retrieve import Retriever
from service.pipeline.scoring_setup import retrieval_params

RECALL_K = 8
FLOORS = (0.30, 0.35, 0.40, 0.45, 0.50, 0.55, 0.60)
AREAS = ("strong", "gap", "none")


@dataclass(frozen=True)
class Outcome:
    """One case at one floor: the fused ranking and what ``retrieve()`` returned."""

    case: RetrievalCase
    ranked: list[Evidence]
    retrieved: list[Evidence]

    def found(self, evidence: list[Evidence]) -> int:
        """How many labelled passages some of these chunks contain."""
        return sum(any(holds(e.chunk, label) for e in evidence) for label in self.case.supporting)

    @property
    def relevant(self) -> int:
        """Retrieved chunks that hold a labelled passage."""
        return sum(any(holds(e.chunk, lb) for lb in self.case.supporting) for e in self.retrieved)

    @property
    def by_relevance(self) -> list[Evidence]:
        """The candidates ordered by relevance instead of fused rank (a comparison only)."""
        return sorted(self.ranked, key=lambda e: -e.score)

    @property
    def top(self) -> float:
        """The best relevance among the candidates: the floor it would take to return nothing."""
        return max((e.score for e in self.ranked if not e.chunk.screened), default=0.0)


@dataclass(frozen=True)
class Setup:
    """The dataset's cases with their requirements, and one retriever for every floor."""

    cases: tuple[RetrievalCase, ...]
    requirements: list[Requirement]
    retriever: Retriever


def setup(env: EvalEnv) -> Setup:
    """Check every label against the chunks, then prepare the requirements' queries once."""
    dataset = load_retrieval()
    chunks = env.chunks()
    for case in dataset.cases:
        for label in case.supporting:
            locate(chunks, label)
    retriever = Retriever(env.context, env.workspace,
                          retrieval_params(env.context.settings.scoring))
    requirements = [env.registry.requirement(dataset.framework, c.ref) for c in dataset.cases]
    retriever.prepare(requirements)
    return Setup(dataset.cases, requirements, retriever)


def outcomes(run: Setup, floor: float) -> list[Outcome]:
    """Each case's ranking and retrieval at ``floor``."""
    run.retriever.params = replace(run.retriever.params, floor=floor)
    return [Outcome(case, run.retriever.candidates(req), run.retriever.retrieve(req, related=False))
            for case, req in zip(run.cases, run.requirements, strict=True)]


@dataclass(frozen=True)
class FloorResult:
    """One floor of the sweep: the shares kept and left empty, and its table row."""

    floor: float
    kept: float
    empty: float
    row: list[object]

    @property
    def balanced(self) -> float:
        """The criterion: the mean of the kept share and the empty share."""
        return (self.kept + self.empty) / 2


def sweep_row(results: list[Outcome], floor: float) -> FloorResult:
    """The sweep's figures at one floor."""
    labelled = [o for o in results if o.case.supporting]
    labels = sum(len(o.case.supporting) for o in labelled)
    kept = sum(o.found(o.retrieved) for o in labelled)
    nones = [o for o in results if not o.case.supporting]
    empty = sum(not o.retrieved for o in nones)
    retrieved = sum(len(o.retrieved) for o in labelled)
    relevant = sum(o.relevant for o in labelled)
    holding = sum(o.found(o.retrieved) > 0 for o in labelled)
    kept_share, empty_share = kept / labels, empty / len(nones)
    return FloorResult(floor, kept_share, empty_share, [
        f"{floor:.2f}", pct(kept, labels), pct(holding, len(labelled)), pct(empty, len(nones)),
        pct(relevant, retrieved), f"{retrieved / len(labelled):.1f}",
        round((kept_share + empty_share) / 2, 3)])


def case_table(results: list[Outcome]) -> str:
    """Per requirement at the configured floor."""
    rows = [
        [o.case.ref, o.case.area, len(o.case.supporting),
         pct(o.found(o.ranked[:RECALL_K]), len(o.case.supporting)),
         pct(o.found(o.retrieved), len(o.case.supporting)),
         pct(o.relevant, len(o.retrieved)) if o.case.supporting else "-",
         len(o.retrieved), round(o.top, 3)]
        for o in results
    ]
    return table(["requirement", "area", "labels", f"recall@{RECALL_K}", "kept at floor",
                  "precision", "retrieved", "top relevance"], rows)


def area_table(results: list[Outcome]) -> str:
    """Totals per area (micro-averaged over passages)."""
    rows: list[list[object]] = []
    for area in AREAS:
        group = [o for o in results if o.case.area == area]
        labels = sum(len(o.case.supporting) for o in group)
        rows.append([area, len(group), labels,
                     pct(sum(o.found(o.ranked[:RECALL_K]) for o in group), labels),
                     pct(sum(o.found(o.by_relevance[:RECALL_K]) for o in group), labels),
                     pct(sum(o.found(o.retrieved) for o in group), labels),
                     pct(sum(o.relevant for o in group), sum(len(o.retrieved) for o in group)),
                     pct(sum(not o.retrieved for o in group), len(group))])
    return table(["area", "requirements", "labels", f"recall@{RECALL_K}",
                  f"recall@{RECALL_K} by relevance", "kept at floor", "precision", "left empty"],
                 rows)


def evaluate(env: EvalEnv) -> str:
    """The retrieval report: per case and per area at the configured floor, then the sweep."""
    floor = env.context.settings.scoring.floor
    run = setup(env)
    current = outcomes(run, floor)
    sweep = [sweep_row(outcomes(run, f), f) for f in FLOORS]
    best = max(sweep, key=lambda s: (s.balanced, -s.floor))
    criterion = (
        "Best floor: the highest balanced score, the mean of the share of labelled passages "
        "kept and the share of no-evidence requirements left empty (ties: the lower floor). "
        f"Here: **{best.floor:.2f}** (kept {best.kept:.0%}, left empty {best.empty:.0%})."
    )
    return section(
        f"Retrieval (floor {floor:.2f}, k={env.context.settings.scoring.k})",
        case_table(current), area_table(current), "### Floor sweep",
        table(["floor", "labelled passages kept", "labelled reqs keeping one",
               "no-evidence reqs left empty", "precision", "retrieved / req", "balanced"],
              [s.row for s in sweep]),
        criterion,
    )
