"""Levels: the `match` strategy (no LLM: verify off, template rationale) against expected levels.

Agreement is exact, within one level, and the mean absolute error; bias is the mean of
(proposed - expected). A small grid over the met/partial cut-offs shows how they move it.
"""

from __future__ import annotations

from dataclasses import dataclass

from evals.cases import LevelCase, load_levels
from evals.harness import EvalEnv
from evals.markdown import section, table
from service.components.llm import LLM
from service.domain.assessment import FacetStatus, Proposal
from service.pipeline.context import PipelineContext
from service.pipeline.scoring_setup import build_scorer

GRID_MET = (0.56, 0.59, 0.62, 0.65, 0.68)
GRID_PARTIAL = (0.46, 0.49, 0.52, 0.55)
FLOORS = (0.40, 0.45, 0.50, 0.55)


@dataclass(frozen=True)
class Agreement:
    """How proposed levels compare with the expected ones."""

    exact: float
    within_one: float
    mae: float
    bias: float

    @classmethod
    def of(cls, cases: tuple[LevelCase, ...], proposals: dict[str, Proposal]) -> Agreement:
        """Agreement over every case."""
        diffs = [proposals[c.ref].maturity - c.level for c in cases]
        n = len(diffs)
        return cls(exact=sum(d == 0 for d in diffs) / n,
                   within_one=sum(abs(d) <= 1 for d in diffs) / n,
                   mae=sum(abs(d) for d in diffs) / n, bias=sum(diffs) / n)

    def cells(self) -> list[object]:
        """exact, within one, MAE, bias as table cells."""
        return [f"{self.exact:.0%}", f"{self.within_one:.0%}", round(self.mae, 2),
                f"{self.bias:+.2f}"]


HEADERS = ["exact", "within one", "MAE", "bias"]


def propose(env: EvalEnv, context: PipelineContext, cases: tuple[LevelCase, ...],
            llm: LLM | None = None) -> dict[str, Proposal]:
    """A proposal per case, scored with the context's scoring settings."""
    framework = env.registry.get(load_levels().framework).framework
    scorer, retriever = build_scorer(context, env.workspace,
                                     env.registry.scale(framework.default_scale), llm)
    requirements = [env.registry.requirement(framework.id, c.ref) for c in cases]
    retriever.prepare(requirements)
    return {r.ref_id: scorer.propose(r) for r in requirements}


def facet_counts(proposal: Proposal) -> str:
    """Met/partial/not-met counts of a proposal's facets."""
    count = [sum(f.status == s for f in proposal.facets) for s in FacetStatus]
    return "/".join(str(c) for c in count)


def case_table(cases: tuple[LevelCase, ...], proposals: dict[str, Proposal]) -> str:
    """Expected and proposed levels per requirement."""
    rows = [[c.ref, c.level, p.maturity, f"{p.maturity - c.level:+d}", p.documentation_level,
             p.implementation_level, facet_counts(p), c.reason]
            for c in cases for p in [proposals[c.ref]]]
    return table(["requirement", "expected", "match", "diff", "doc", "impl",
                  "facets met/partial/not", "why expected"], rows)


def sweep_table(env: EvalEnv, cases: tuple[LevelCase, ...]) -> tuple[str, str]:
    """The met/partial grid, and the best setting by the stated criterion."""
    base = env.context.settings.scoring
    results = []
    for met in GRID_MET:
        for partial in (p for p in GRID_PARTIAL if p < met):
            scoring = base.model_copy(update={"met_threshold": met, "partial_threshold": partial})
            agreement = Agreement.of(cases, propose(env, env.with_scoring(scoring), cases))
            results.append((met, partial, agreement))
    rows = [[f"{m:.2f}", f"{p:.2f}", *a.cells(),
             "default" if (m, p) == (base.met_threshold, base.partial_threshold) else ""]
            for m, p, a in results]
    met, partial, best = max(results, key=lambda r: (r[2].exact, r[2].within_one, -r[2].mae))
    verdict = ("Best setting: the highest exact agreement, then within-one, then the lowest "
               f"MAE. Here: **met {met:.2f}, partial {partial:.2f}** "
               f"(exact {best.exact:.0%}, within one {best.within_one:.0%}, "
               f"MAE {best.mae:.2f}).")
    return table(["met", "partial", *HEADERS, ""], rows), verdict


def floor_table(env: EvalEnv, cases: tuple[LevelCase, ...]) -> str:
    """Agreement at each floor, with the configured cut-offs: the floor decides 0 versus 1."""
    base = env.context.settings.scoring
    rows = []
    for floor in FLOORS:
        proposals = propose(env, env.with_scoring(base.model_copy(update={"floor": floor})),
                            cases)
        zero = [c for c in cases if c.level == 0]
        rows.append([f"{floor:.2f}", *Agreement.of(cases, proposals).cells(),
                     f"{sum(proposals[c.ref].maturity == 0 for c in zero)}/{len(zero)}",
                     f"{sum(proposals[c.ref].maturity == 0 for c in cases if c.level > 0)}",
                     "default" if floor == base.floor else ""])
    return table(["floor", *HEADERS, "level-0 cases at 0", "others dropped to 0", ""], rows)


def evaluate(env: EvalEnv) -> str:
    """The levels report: per requirement at the configured settings, then the sweep."""
    cases = load_levels().cases
    scoring = env.context.settings.scoring
    proposals = propose(env, env.context, cases)
    agreement = Agreement.of(cases, proposals)
    grid, verdict = sweep_table(env, cases)
    return section(
        f"Levels: match vs expected (met {scoring.met_threshold:.2f}, partial "
        f"{scoring.partial_threshold:.2f}, floor {scoring.floor:.2f}, verify off)",
        case_table(cases, proposals), table(HEADERS, [agreement.cells()]),
        "### Threshold sweep (met / partial)", grid, verdict,
        "### Floor and levels", floor_table(env, cases),
    )
