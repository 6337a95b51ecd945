"""Judge vs match: the `judge` strategy (an LLM judges facets, verifiers check it) on the levels.

Only run when asked (`--llm local|openai`). The judge needs a capable model; on the embedded
1.5B model it is not recommended, and the figures show why.
"""

from __future__ import annotations

import re
import time
from collections import Counter

from evals.cases import LevelCase, load_levels
from evals.evaluators.levels import HEADERS, Agreement, propose
from evals.harness import EvalEnv
from evals.markdown import section, table
from service.components.llm import LLM, build_llm
from service.domain.assessment import Proposal
from service.errors import AssayError
from service.pipeline.scoring_setup import build_scorer

NOT_RECOMMENDED = (
    "**Judge on the embedded 1.5B local model is not recommended**: asked to judge facets "
    "itself, the small model was neither monotone nor immune to injected instructions "
    "(shared/ARCHITECTURE.md), and it is slow here. Use `--llm openai` with a capable "
    "model; `match` is the strategy for the local model."
)


def judged(env: EvalEnv, llm: LLM, cases: tuple[LevelCase, ...]
           ) -> tuple[dict[str, Proposal], dict[str, str]]:
    """Judge proposals per case; a case whose model call fails is kept as an error."""
    scoring = env.context.settings.scoring.model_copy(update={"strategy": "judge"})
    framework = env.registry.get(load_levels().framework).framework
    scorer, retriever = build_scorer(env.with_scoring(scoring), env.workspace,
                                     env.registry.scale(framework.default_scale), llm)
    requirements = [env.registry.requirement(framework.id, c.ref) for c in cases]
    retriever.prepare(requirements)
    proposals, errors = {}, {}
    for requirement in requirements:
        try:
            proposals[requirement.ref_id] = scorer.propose(requirement)
        except (AssayError, ValueError) as error:
            errors[requirement.ref_id] = str(error)[:80]
    return proposals, errors


VARIABLE = re.compile(r"'[^']*'|\([^)]*\)|\bchunk \S+")


def flag_table(proposals: dict[str, Proposal]) -> str:
    """Why the verifiers downgraded the judge's findings, by reason (facet ids dropped)."""
    reasons = Counter(VARIABLE.sub("...", flag.split(": ", 1)[-1])
                      for p in proposals.values() for flag in p.flags)
    return table(["downgrade reason", "findings"], reasons.most_common())


def evaluate(env: EvalEnv, limit: int | None) -> str:
    """Both strategies on the levels cases (the first ``limit`` of them)."""
    settings = env.context.settings
    cases = load_levels().cases[:limit]
    llm = build_llm(settings.llm, settings.data_dir)
    started = time.perf_counter()
    judge, errors = judged(env, llm, cases)
    seconds = (time.perf_counter() - started) / len(cases)
    match = propose(env, env.context, cases)
    rows = [[c.ref, c.level, match[c.ref].maturity,
             judge[c.ref].maturity if c.ref in judge else "error",
             len(judge[c.ref].flags) if c.ref in judge else errors[c.ref]]
            for c in cases]
    scored = tuple(c for c in cases if c.ref in judge)
    summary = [["match", len(cases), *Agreement.of(cases, match).cells()]]
    if scored:
        summary.append(["judge", len(scored), *Agreement.of(scored, judge).cells()])
    note = NOT_RECOMMENDED if settings.llm.mode == "local" else ""
    return section(
        f"Judge vs match ({llm.model_id}, {seconds:.0f} s per requirement)", note,
        table(["requirement", "expected", "match", "judge", "judge flags / error"], rows),
        table(["strategy", "cases", *HEADERS], summary), flag_table(judge),
    )
