"""Retrieval: whether the labelled passages come first, for Assay and the naive baseline.

Per case (a requirement with labelled passages): the ranked chunks that scoring receives
(``Retriever.retrieve``, after the floor) and the naive baseline's top 10. A passage is hit
at k when one of the first k chunks holds it. Figures, averaged over cases:

- recall@k: the share of the case's labelled passages hit at k;
- hit@k: whether any labelled passage is hit at k; MRR: 1/rank of the first hit;
- document hit@5: whether any of the first 5 chunks is from a labelled document.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from evals.baseline import NaiveRetriever
from evals.markdown import section, table
from evals.metrics import mean, reciprocal_rank
from evals.session import EvalSession, SuiteResult
from evals.workspaces import LabelledCase, Target, check_labels, holds
from service.domain.evidence import Chunk
from service.pipeline.retrieve import Retriever
from service.pipeline.scoring_setup import retrieval_params

KS = (1, 5, 10)
SYSTEMS = ("assay", "baseline")


@dataclass(frozen=True)
class Ranked:
    """One case's ranking by one system, and the figures it earns."""

    target: Target
    case: LabelledCase
    system: str
    chunks: list[Chunk]

    def first_hit(self) -> int | None:
        """The rank (from 1) of the first chunk holding a labelled passage."""
        for rank, chunk in enumerate(self.chunks, start=1):
            if any(holds(chunk, p) for p in self.case.passages):
                return rank
        return None

    def scores(self) -> dict[str, float]:
        """recall@k, hit@k, MRR and document hit@5 of this case."""
        passages = self.case.passages
        first = self.first_hit()
        figures = {f"recall@{k}": sum(any(holds(c, p) for c in self.chunks[:k])
                                      for p in passages) / len(passages) for k in KS}
        figures |= {f"hit@{k}": float(first is not None and first <= k) for k in (1, 5)}
        figures["mrr"] = reciprocal_rank(first)
        labelled = {p.document for p in passages}
        figures["document_hit@5"] = float(any(c.document in labelled for c in self.chunks[:5]))
        return figures


METRICS = (*(f"recall@{k}" for k in KS), "hit@1", "hit@5", "mrr", "document_hit@5")


def averages(rankings: Sequence[Ranked]) -> dict[str, float | None]:
    """Each metric averaged over the rankings' cases."""
    scored = [r.scores() for r in rankings]
    return {m: mean([s[m] for s in scored]) for m in METRICS} | {"cases": len(scored)}


def rank_target(session: EvalSession, target: Target) -> list[Ranked]:
    """Both systems' rankings for every case of the target that has labelled passages."""
    check_labels(target, session.context.store.chunks(target.workspace))
    cases = [c for c in target.cases if c.passages]
    retriever = Retriever(session.context, target.workspace,
                          retrieval_params(session.context.settings.scoring))
    requirements = [session.requirement(target, c.ref) for c in cases]
    retriever.prepare(requirements)
    naive = NaiveRetriever(session.context, target.workspace)
    ranked = []
    for case, requirement in zip(cases, requirements, strict=True):
        ranked.append(Ranked(target, case, "assay",
                             [e.chunk for e in retriever.retrieve(requirement)]))
        ranked.append(Ranked(target, case, "baseline", naive.rank(requirement, max(KS))))
        session.progress.advance(f"{target.name} {case.ref}")
    return ranked


def grouped(rankings: list[Ranked], key: str) -> dict[str, dict[str, dict[str, float | None]]]:
    """Averages per group (dataset or framework), then per system."""
    groups: dict[str, list[Ranked]] = defaultdict(list)
    for r in rankings:
        groups[getattr(r.target, key)].append(r)
    return {name: {s: averages([r for r in members if r.system == s]) for s in SYSTEMS}
            for name, members in sorted(groups.items())}


def misses(rankings: list[Ranked]) -> list[dict[str, Any]]:
    """Assay's cases without a hit in the first 5, for reading."""
    return [{"target": r.target.name, "ref": r.case.ref, "first_hit": r.first_hit(),
             "top": [f"{c.document} > {c.heading}" for c in r.chunks[:3]]}
            for r in rankings if r.system == "assay" and not r.scores()["hit@5"]]


def run(session: EvalSession) -> SuiteResult:
    """The retrieval figures per dataset and per framework, Assay beside the baseline."""
    session.progress.start("retrieval", sum(sum(bool(c.passages) for c in t.cases)
                                            for t in session.targets))
    rankings = [r for t in session.targets for r in rank_target(session, t)]
    data: dict[str, Any] = {"by_dataset": grouped(rankings, "name"),
                            "by_framework": grouped(rankings, "framework"),
                            "assay_misses_at_5": misses(rankings)}
    rows = [[group, system, figures["cases"], *[figures[m] for m in METRICS]]
            for key in ("by_dataset", "by_framework") for group, systems in data[key].items()
            for system, figures in systems.items()]
    markdown = section("Retrieval", table(["dataset / framework", "system", "cases",
                                           *METRICS], rows))
    return SuiteResult(data, markdown)
