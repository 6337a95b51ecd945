"""Projections: a new assessment of another framework, carried from a reviewed one.

The rules are in ``projection_rules``. The projected assessment keeps the source's scale
(levels carry as numbers, never converted between scales), stores a proposal only for
each carried requirement (its ``projection`` holds the provenance and the evidence check),
and leaves the rest unassessed: ``assay assess --resume`` on it fills the rest directly.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable

from service.components.catalog import CatalogRegistry, LinkedRequirement
from service.components.llm import LLM
from service.db import AssessmentRow
from service.db.assessments import proposed_refs
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
    *,
    target_id: str | None = None,
    progress: Callable[[float, str], None] | None = None,
) -> ProjectionReport:
    """Carry the assessment ``source_id`` onto framework ``to``; returns the projection.

    ``target_id`` names the new assessment (a job fixes it, so that a run again after a
    crash continues that projection, each carried requirement proposed once); ``progress``
    hears the percent done and the requirement being checked. InvalidInputError when the
    target is the source's own framework or no crosswalk links the two; NotFoundError for
    an unknown assessment or framework.
    """
    source = build_report(context, registry, source_id, workspace)
    target = check_projection(context, registry, source_id, workspace, to)
    standings = {item.ref_id: item for item in source.requirements}
    plan = [(requirement, combine(carried_sources(
                source_id, _links(registry, target, requirement.ref_id, source.framework),
                standings)))
            for requirement in registry.assessable(target)]
    row_id = _open(context, source_id, source.framework, target, source.scale, workspace,
                   actor, target_id)
    scorer, retriever = build_scorer(context, workspace, registry.scale(source.scale), llm)
    carried = [(req, c) for req, c in plan if c.level is not None]
    with context.sessions() as session:
        done = proposed_refs(session, row_id)
    todo = [(req, c) for req, c in carried if req.ref_id not in done]
    retriever.prepare([req for req, _ in todo])
    for index, (requirement, carry) in enumerate(todo):
        if progress is not None:
            progress(100.0 * (len(carried) - len(todo) + index) / len(carried),
                     requirement.ref_id)
        store_proposal(context, row_id, _carried_proposal(scorer.propose(requirement), carry))
    with context.sessions() as session:
        stored = open_assessment(session, row_id, workspace)
        stored.status = AssessmentStatus.COMPLETED
        stored.finished_at = utcnow()
        record(session, actor, "projection.completed",
               workspace_target(workspace, f"assessment:{row_id}"), None,
               {"carried": len(carried), "requirements": len(plan)})
        session.commit()
    return load_projection(context, registry, row_id, workspace)


def check_projection(
    context: PipelineContext, registry: CatalogRegistry, source_id: str, workspace: str, to: str
) -> str:
    """The target framework's id if ``source_id`` can be carried onto ``to``.

    NotFoundError for an unknown assessment or framework; InvalidInputError for the source's
    own framework or one no crosswalk links to it.
    """
    with context.sessions() as session:
        source_framework = open_assessment(session, source_id, workspace).framework_id
    target = registry.get(to).framework.id
    if target == source_framework:
        raise InvalidInputError(f"assessment {source_id} is already of {target}")
    if not any(_links(registry, target, requirement.ref_id, source_framework)
               for requirement in registry.assessable(target)):
        raise InvalidInputError(f"no crosswalk links {source_framework} and {target}")
    return target


def _links(registry: CatalogRegistry, target: str, ref_id: str,
           source_framework: str) -> list[LinkedRequirement]:
    """The crosswalk links of a target requirement to the source framework."""
    return [link for link in registry.links(target, ref_id) if link.framework == source_framework]


def _open(context: PipelineContext, source_id: str, source_framework: str, target: str,
          scale: str, workspace: str, actor: str, target_id: str | None) -> str:
    """The projected assessment's id: the one ``target_id`` names if it is there, or a new one."""
    with context.sessions() as session:
        source_row = open_assessment(session, source_id, workspace)
        if target_id is not None:
            existing = session.get(AssessmentRow, target_id)
            if existing is not None:
                if (existing.workspace_id != source_row.workspace_id
                        or existing.parameters.get(PROJECTED_FROM) != source_id):
                    raise InvalidInputError(f"assessment {target_id} is no projection of "
                                            f"{source_id}")
                return existing.id
        row = AssessmentRow(
            id=target_id or str(uuid.uuid4()), workspace_id=source_row.workspace_id,
            framework_id=target,
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
        return row.id


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
