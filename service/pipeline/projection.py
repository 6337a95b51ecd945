"""Projections: a new assessment of another framework, carried from a reviewed one.

The rules are in ``projection_rules``. The projected assessment keeps the source's scale
(levels carry as numbers, never converted between scales), stores a proposal only for
each carried requirement (its ``projection`` holds the provenance and the evidence check),
and leaves the rest unassessed: ``assay assess --resume`` on it fills the rest directly.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from service.components.catalog import CatalogRegistry
from service.components.llm import LLM
from service.db import AssessmentRow
from service.db.tables import utcnow
from service.domain.assessment import AssessmentStatus, Proposal, ProposalStatus
from service.domain.catalog import Requirement
from service.domain.projection import (
    PROJECTED_FROM,
    SOURCE_FRAMEWORK,
    CarryStatus,
    EvidenceCheck,
    ProjectedResult,
    Projection,
    ProjectionReport,
    ThemeCoverage,
)
from service.errors import InvalidInputError
from service.pipeline.assess import store_proposal
from service.pipeline.audit import SYSTEM_ACTOR, record, workspace_target
from service.pipeline.context import PipelineContext
from service.pipeline.projection_rules import Carried, carried_sources, check_evidence, combine
from service.pipeline.report import build_report, load_assessment
from service.pipeline.review import open_assessment
from service.pipeline.scoring_setup import build_scorer


def project_assessment(
    context: PipelineContext,
    registry: CatalogRegistry,
    source_id: str,
    workspace: str,
    to: str,
    llm: LLM | None,
    actor: str = SYSTEM_ACTOR,
) -> ProjectionReport:
    """Carry the assessment ``source_id`` onto framework ``to``; returns the projection.

    InvalidInputError when the target is the source's own framework or no crosswalk links
    the two; NotFoundError for an unknown assessment or framework.
    """
    source = build_report(context, registry, source_id, workspace)
    target = registry.get(to).framework.id
    if target == source.framework:
        raise InvalidInputError(f"assessment {source_id} is already of {target}")
    standings = {item.ref_id: item for item in source.requirements}
    plan: list[tuple[Requirement, Carried]] = []
    linked = False
    for requirement in registry.assessable(target):
        links = [link for link in registry.links(target, requirement.ref_id)
                 if link.framework == source.framework]
        linked = linked or bool(links)
        plan.append((requirement,
                     combine(carried_sources(source_id, links, standings))))
    if not linked:
        raise InvalidInputError(f"no crosswalk links {source.framework} and {target}")
    row = _open(context, source_id, source.framework, target, source.scale, workspace, actor)
    scorer, retriever = build_scorer(context, workspace, registry.scale(source.scale), llm)
    carried = [(req, c) for req, c in plan if c.level is not None]
    retriever.prepare([req for req, _ in carried])
    for requirement, carry in carried:
        store_proposal(context, row.id, _carried_proposal(scorer.propose(requirement), carry))
    with context.sessions() as session:
        stored = open_assessment(session, row.id, workspace)
        stored.status = AssessmentStatus.COMPLETED
        stored.finished_at = utcnow()
        record(session, actor, "projection.completed",
               workspace_target(workspace, f"assessment:{row.id}"), None,
               {"carried": len(carried), "requirements": len(plan)})
        session.commit()
    return load_projection(context, registry, row.id, workspace)


def _open(context: PipelineContext, source_id: str, source_framework: str, target: str,
          scale: str, workspace: str, actor: str) -> AssessmentRow:
    with context.sessions() as session:
        source_row = open_assessment(session, source_id, workspace)
        row = AssessmentRow(
            id=str(uuid.uuid4()), workspace_id=source_row.workspace_id, framework_id=target,
            scale_id=scale, strategy=context.settings.scoring.strategy,
            status=AssessmentStatus.RUNNING, requested=[],
            parameters={**context.settings.scoring.model_dump(mode="json"),
                        PROJECTED_FROM: source_id, SOURCE_FRAMEWORK: source_framework},
            scope=source_row.scope,
        )
        session.add(row)
        record(session, actor, "projection.started",
               workspace_target(workspace, f"assessment:{row.id}"), None,
               {"source": source_id, "from": source_framework, "to": target, "scale": scale})
        session.commit()
        return row


def _carried_proposal(scored: Proposal, carry: Carried) -> Proposal:
    """The scored target requirement with the carried level, provenance and check."""
    if carry.level is None:
        raise ValueError("only a carried level makes a carried proposal")
    check, note = check_evidence(carry.level, scored)
    named = ", ".join(
        f"{s.framework} {s.ref_id} ({s.relationship.value}, level {s.level}, "
        f"{'reviewed: ' + s.review_state if s.reviewed else 'not reviewed'})"
        for s in carry.sources)
    partial = " in part" if carry.status == CarryStatus.CARRIED_PARTIAL else ""
    flags = scored.flags + ((f"evidence check: {note}",)
                            if check == EvidenceCheck.DISAGREES else ())
    return scored.model_copy(update={
        "level": carry.level,
        "rationale": f"Carried{partial} from {named}. Evidence check: {check.value}, {note}.",
        "status": ProposalStatus.FLAGGED if flags else scored.status,
        "flags": flags,
        "projection": Projection(
            status=carry.status, carried_from=carry.sources, evidence_check=check,
            evidence_level=scored.level if scored.citations else None, check_note=note),
    })


def load_projection(
    context: PipelineContext, registry: CatalogRegistry, assessment_id: str, workspace: str
) -> ProjectionReport:
    """A projection as stored: every target requirement, disagreements first, and coverage."""
    with context.sessions() as session:
        row = open_assessment(session, assessment_id, workspace)
        source_id = str(row.parameters.get(PROJECTED_FROM) or "")
        source_framework = str(row.parameters.get(SOURCE_FRAMEWORK) or "")
    if not source_id:
        raise InvalidInputError(f"assessment {assessment_id} is not a projection")
    header, proposals = load_assessment(context, assessment_id, workspace)
    by_ref = {p.ref_id: p for p in proposals}
    results = [_result(req, by_ref.get(req.ref_id))
               for req in registry.assessable(header.framework)]
    themes = coverage(results)
    order = {EvidenceCheck.DISAGREES: 0, EvidenceCheck.AGREES: 1, EvidenceCheck.NO_EVIDENCE: 1}
    results.sort(key=lambda r: 2 if r.evidence_check is None else order[r.evidence_check])
    return ProjectionReport(
        assessment_id=assessment_id, source_assessment_id=source_id,
        source_framework=source_framework, framework=header.framework, workspace=workspace,
        scale=header.scale, results=tuple(results), coverage=tuple(themes),
    )


def _result(requirement: Requirement, proposal: Proposal | None) -> ProjectedResult:
    if proposal is None or proposal.projection is None:
        return ProjectedResult(
            ref_id=requirement.ref_id, title=requirement.title, theme=requirement.theme,
            level=None if proposal is None else proposal.level,
            status=CarryStatus.NOT_CARRIED, carried_from=(), evidence_check=None,
            assessed_directly=proposal is not None)
    carried = proposal.projection
    return ProjectedResult(
        ref_id=requirement.ref_id, title=requirement.title, theme=requirement.theme,
        level=proposal.level, status=carried.status, carried_from=carried.carried_from,
        evidence_check=carried.evidence_check, evidence_level=carried.evidence_level,
        check_note=carried.check_note)


def coverage(results: Iterable[ProjectedResult]) -> list[ThemeCoverage]:
    """Per theme, in catalog order: carried, agreeing, assessed directly since, remaining."""
    grouped: dict[str, list[ProjectedResult]] = {}
    for result in results:
        grouped.setdefault(result.theme, []).append(result)
    return [
        ThemeCoverage(
            theme=theme, requirements=len(members),
            carried=sum(m.status != CarryStatus.NOT_CARRIED for m in members),
            agrees=sum(m.evidence_check == EvidenceCheck.AGREES for m in members),
            remaining=sum(m.status == CarryStatus.NOT_CARRIED and not m.assessed_directly
                          for m in members),
            assessed_directly=sum(m.assessed_directly for m in members),
        )
        for theme, members in grouped.items()
    ]
