"""Projection: levels carried from a direct ISO 27001 assessment against direct assessments.

The samples are assessed against ISO 27001 (the `match` strategy, no LLM, maturity 0-5),
then projected onto NIST CSF 2.0, EU GMP (Annex 11) and 21 CFR Part 11. Each carried
result's evidence check scores the target requirement directly with the same scorer as
`assay assess`, so the check's level is the direct assessment's: agreement here is how
often a carried level matches what assessing the target directly would propose.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from evals.harness import EvalEnv
from evals.markdown import section, table
from service.components.catalog import CatalogRegistry
from service.components.llm import LLM
from service.domain.projection import CarryStatus, EvidenceCheck, ProjectedResult
from service.pipeline.assess import AssessmentRequest, run_assessment
from service.pipeline.context import PipelineContext
from service.pipeline.projection import project_assessment

SOURCE = "iso27001-2022"
TARGETS = ("nist-csf-2.0", "eu-gmp", "gmp-21cfr11")
SCALE = "maturity-0-5"


@dataclass(frozen=True)
class TargetAgreement:
    """How carried levels of one target compare with its direct assessment."""

    target: str
    requirements: int
    carried: int
    partial: int
    compared: int
    exact: float | None
    within_one: float | None
    mae: float | None
    bias: float | None
    disagrees: int
    no_evidence: int

    @classmethod
    def of(cls, target: str, results: tuple[ProjectedResult, ...]) -> TargetAgreement:
        """Agreement over the carried results that found evidence."""
        carried = [r for r in results if r.status != CarryStatus.NOT_CARRIED]
        pairs = [(r.level, r.evidence_level) for r in carried
                 if r.level is not None and r.evidence_level is not None]
        diffs = [level - direct for level, direct in pairs]

        def share(values: list[int]) -> float | None:  # None when nothing was compared
            return round(sum(values) / len(diffs), 4) if diffs else None

        return cls(
            target=target, requirements=len(results), carried=len(carried),
            partial=sum(r.status == CarryStatus.CARRIED_PARTIAL for r in carried),
            compared=len(diffs), exact=share([d == 0 for d in diffs]),
            within_one=share([abs(d) <= 1 for d in diffs]),
            mae=share([abs(d) for d in diffs]), bias=share(diffs),
            disagrees=sum(r.evidence_check == EvidenceCheck.DISAGREES for r in carried),
            no_evidence=sum(r.evidence_check == EvidenceCheck.NO_EVIDENCE for r in carried),
        )


def agreements_in(
    context: PipelineContext, registry: CatalogRegistry, workspace: str,
    refs: tuple[str, ...] = (), llm: LLM | None = None,
    done: Callable[[str], None] = lambda step: None,
) -> list[TargetAgreement]:
    """Assess ``workspace`` against ISO 27001 (``refs`` only, if given), project, compare.

    ``done`` is told of each step (the source assessment, then each target's projection).
    """
    request = AssessmentRequest(workspace, SOURCE, refs, scale_id=SCALE)
    source = run_assessment(context, registry, request, llm)
    done(f"{workspace} {SOURCE}")
    found = []
    for target in TARGETS:
        projection = project_assessment(context, registry, source, workspace, target, llm)
        found.append(TargetAgreement.of(target, projection.results))
        done(f"{workspace} {target}")
    return found


def agreements(env: EvalEnv) -> list[TargetAgreement]:
    """Assess the samples against ISO 27001, project onto each target, compare."""
    return agreements_in(env.context, env.registry, env.workspace)


def evaluate(env: EvalEnv) -> str:
    """The Markdown report: per target, coverage and agreement with direct assessment."""
    rows = [(a.target, a.requirements, a.carried, a.partial, a.compared, a.exact,
             a.within_one, a.mae, a.bias, a.disagrees, a.no_evidence) for a in agreements(env)]
    return section(
        "Projection: carried levels vs direct assessment (ISO 27001 source, maturity 0-5)",
        table(("target", "requirements", "carried", "of which partial", "compared", "exact",
               "within one", "MAE", "bias", "disagrees", "no evidence"), rows),
        "Bias is carried minus direct. 'compared' counts carried results whose target "
        "requirement found evidence (n/a: none did); 'disagrees' is more than one level apart.",
    )
