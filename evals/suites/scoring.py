"""Scoring: proposed maturity levels against the labelled ones.

Exact and within-one agreement, mean absolute error, bias, quadratic weighted kappa and a
confusion matrix, per dataset, per framework and per theme; and the separation: the mean
level of the requirements a real document set addresses minus the mean level of those it
does not address (goal at least 1.0).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict, dataclass
from typing import Any

from evals.markdown import section, table
from evals.metrics import LEVELS, Agreement, confusion, mean, separation
from evals.session import EvalSession, SuiteResult
from evals.workspaces import LabelledCase, Target


@dataclass(frozen=True)
class Scored:
    """A case with its proposed level."""

    target: Target
    case: LabelledCase
    theme: str
    level: int
    documentation: int
    implementation: int


def score_all(session: EvalSession) -> list[Scored]:
    """Every case of every target, proposed once (shared with the robustness suite)."""
    scored = []
    for target in session.targets:
        proposals = session.propose(target, [c.ref for c in target.cases])
        for case in target.cases:
            p = proposals[case.ref]
            scored.append(Scored(target, case, p.theme, p.maturity, p.documentation_level,
                                 p.implementation_level))
    return scored


def agreement(items: list[Scored]) -> dict[str, Any]:
    """Agreement figures of a group of cases."""
    return asdict(Agreement.of([s.case.expected for s in items], [s.level for s in items]))


def by(items: list[Scored], key: str) -> dict[str, dict[str, Any]]:
    """Agreement per group: 'dataset', 'framework' or 'theme'."""
    groups: dict[str, list[Scored]] = defaultdict(list)
    for s in items:
        name = {"dataset": s.target.name, "framework": s.target.framework,
                "theme": f"{s.target.framework} {s.theme}"}[key]
        groups[name].append(s)
    return {name: agreement(members) for name, members in sorted(groups.items())}


def separations(items: list[Scored]) -> dict[str, dict[str, float | None]]:
    """Per labelled real set: mean level by coverage, and addressed minus not addressed."""
    result = {}
    for name in sorted({s.target.name for s in items if s.case.coverage}):
        levels: dict[str, list[int]] = defaultdict(list)
        for s in items:
            if s.target.name == name and s.case.coverage:
                levels[s.case.coverage].append(s.level)
        result[name] = {f"mean_{c}": mean([float(v) for v in levels[c]])
                        for c in ("addressed", "partial", "not_addressed")}
        result[name]["separation"] = separation(levels["addressed"], levels["not_addressed"])
    return result


def profile_means(items: list[Scored], implementation: bool = False) -> dict[str, float | None]:
    """For graded profiles: the mean proposed level (or implementation level) of each."""
    names = sorted({s.target.name for s in items if s.target.profile is not None})
    return {n: mean([float(s.implementation if implementation else s.level)
                     for s in items if s.target.name == n]) for n in names}


def agreement_rows(groups: dict[str, dict[str, Any]]) -> list[list[object]]:
    """Table rows of agreement figures."""
    return [[name, g["cases"], g["exact"], g["within_one"], g["mae"], g["bias"], g["kappa"]]
            for name, g in groups.items()]


def run(session: EvalSession) -> SuiteResult:
    """The scoring figures."""
    session.progress.start("scoring", sum(len(t.cases) for t in session.targets))
    items = score_all(session)
    data: dict[str, Any] = {
        "overall": agreement(items),
        "by_dataset": by(items, "dataset"),
        "by_framework": by(items, "framework"),
        "by_theme": by(items, "theme"),
        "separation": separations(items),
        "profile_means": profile_means(items),
        "profile_implementation_means": profile_means(items, implementation=True),
        "confusion": {"labels": list(LEVELS),
                      "matrix": confusion([s.case.expected for s in items],
                                          [s.level for s in items])},
        "cases": [{"target": s.target.name, "ref": s.case.ref, "expected": s.case.expected,
                   "proposed": s.level, "documentation": s.documentation,
                   "implementation": s.implementation, "coverage": s.case.coverage}
                  for s in items],
    }
    headers = ["group", "cases", "exact", "within one", "MAE", "bias", "kappa"]
    matrix = data["confusion"]["matrix"]
    markdown = section(
        "Scoring",
        table(headers, agreement_rows({"all": data["overall"]} | data["by_dataset"]
                                      | data["by_framework"])),
        "Separation (mean level addressed minus not addressed):",
        table(["dataset", "addressed", "partial", "not addressed", "separation"],
              [[n, s["mean_addressed"], s["mean_partial"], s["mean_not_addressed"],
                s["separation"]] for n, s in data["separation"].items()]),
        "Mean proposed level (and implementation level) per graded profile:",
        table(["profile", "mean level", "mean implementation level"],
              [[n, v, data["profile_implementation_means"][n]]
               for n, v in data["profile_means"].items()]),
        "Confusion (rows expected, columns proposed):",
        table(["expected", *[str(v) for v in LEVELS]],
              [[str(v), *row] for v, row in zip(LEVELS, matrix, strict=True)]),
        "Per theme:", table(headers, agreement_rows(data["by_theme"])),
    )
    return SuiteResult(data, markdown)
