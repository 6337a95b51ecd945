"""Assessment runs: each run is a new dated assessment; `resume` finishes an interrupted one."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from service.components.catalog import CatalogRegistry
from service.components.llm import LLM
from service.db import AssessmentRow, ProposalRow
from service.db.assessments import get_assessment, proposed_refs
from service.db.tables import utcnow
from service.db.workspaces import get_or_create_workspace
from service.domain.assessment import AssessmentStatus, Proposal
from service.domain.catalog import Requirement
from service.errors import InvalidInputError, NotFoundError
from service.pipeline.audit import SYSTEM_ACTOR, record, workspace_target
from service.pipeline.context import PipelineContext
from service.pipeline.scoring_setup import build_scorer

Progress = Callable[[int, int, str], None]


@dataclass(frozen=True)
class AssessmentRequest:
    """What to assess: a workspace against a framework, all of it or some requirements.

    ``model_rationale`` marks the proposals for the model's rationale, written after the
    levels (``pipeline/rationales.py``), when the settings ask for it and there is a model.
    """

    workspace: str
    framework_id: str
    refs: tuple[str, ...] = ()
    scale_id: str | None = None
    resume: str | None = None
    model_rationale: bool = True


def select_requirements(
    registry: CatalogRegistry, framework_id: str, refs: tuple[str, ...]
) -> list[Requirement]:
    """The assessable requirements named (a parent names its assessable descendants)."""
    if not refs:
        return registry.assessable(framework_id)
    chosen: dict[str, Requirement] = {}
    for ref in refs:
        pending = [registry.requirement(framework_id, ref)]
        while pending:
            node = pending.pop(0)
            if node.assessable:
                chosen.setdefault(node.ref_id, node)
            pending.extend(registry.children(framework_id, node.ref_id))
    return list(chosen.values())


def _open(
    context: PipelineContext, registry: CatalogRegistry, request: AssessmentRequest, actor: str
) -> tuple[AssessmentRow, list[Requirement]]:
    framework = registry.get(request.framework_id)
    with context.sessions() as session:
        workspace = get_or_create_workspace(session, request.workspace)
        if request.resume:
            row = get_assessment(session, workspace.id, request.resume)
            if row is None:
                raise NotFoundError(
                    f"no assessment '{request.resume}' in workspace '{request.workspace}'"
                )
            if row.framework_id != framework.framework.id:
                raise InvalidInputError(
                    f"assessment {row.id} is of {row.framework_id}, not {framework.framework.id}"
                )
            refs = tuple(row.requested)
        else:
            scale = registry.scale(request.scale_id or framework.framework.default_scale)
            refs = request.refs
            row = AssessmentRow(
                id=str(uuid.uuid4()),
                workspace_id=workspace.id,
                framework_id=framework.framework.id,
                scale_id=scale.id,
                strategy=context.settings.scoring.strategy,
                status=AssessmentStatus.RUNNING,
                requested=list(refs),
                parameters=context.settings.scoring.model_dump(mode="json"),
            )
        row.status = AssessmentStatus.RUNNING
        session.add(row)
        record(
            session, actor, "assessment.resumed" if request.resume else "assessment.started",
            workspace_target(request.workspace, f"assessment:{row.id}"), None,
            {"framework": row.framework_id, "scale": row.scale_id, "requested": list(refs)},
        )
        session.commit()
    requirements = select_requirements(registry, framework.framework.id, refs)
    return row, requirements


def run_assessment(
    context: PipelineContext,
    registry: CatalogRegistry,
    request: AssessmentRequest,
    llm: LLM | None,
    on_progress: Progress = lambda done, total, ref: None,
    actor: str = SYSTEM_ACTOR,
) -> str:
    """Score every selected requirement, committing each proposal; returns the assessment id."""
    row, requirements = _open(context, registry, request, actor)
    with context.sessions() as session:
        done = proposed_refs(session, row.id)
    todo = [r for r in requirements if r.ref_id not in done]
    scorer, retriever = build_scorer(context, request.workspace, registry.scale(row.scale_id), llm,
                                     request.model_rationale)
    retriever.prepare(todo)
    workers = (
        context.settings.llm.max_concurrency
        if context.settings.llm.mode in ("openai", "ollama")
        else 1
    )
    total, finished = len(requirements), len(done)
    on_progress(finished, total, "")
    status = AssessmentStatus.INTERRUPTED
    try:
        for proposal in _proposals(scorer.propose, todo, workers):
            store_proposal(context, row.id, proposal)
            finished += 1
            on_progress(finished, total, proposal.ref_id)
        status = AssessmentStatus.COMPLETED
    finally:
        with context.sessions() as session:
            stored = session.get(AssessmentRow, row.id)
            if stored is not None:
                stored.status = status
                stored.finished_at = utcnow() if status == AssessmentStatus.COMPLETED else None
                record(
                    session, actor, f"assessment.{status}",
                    workspace_target(request.workspace, f"assessment:{row.id}"), None,
                    {"status": status.value, "proposals": finished, "requirements": total},
                )
                session.commit()
    return row.id


def _proposals(
    propose: Callable[[Requirement], Proposal], todo: list[Requirement], workers: int
) -> Iterator[Proposal]:
    if workers <= 1:
        yield from map(propose, todo)
        return
    with ThreadPoolExecutor(max_workers=workers) as pool:
        yield from pool.map(propose, todo)


def store_proposal(context: PipelineContext, assessment_id: str, proposal: Proposal) -> None:
    """Commit one proposal of an assessment."""
    with context.sessions() as session:
        session.add(
            ProposalRow(
                assessment_id=assessment_id,
                ref_id=proposal.ref_id,
                theme=proposal.theme,
                maturity=proposal.maturity,
                level=proposal.level,
                confidence=proposal.confidence,
                status=proposal.status.value,
                payload=proposal.model_dump(mode="json"),
            )
        )
        session.commit()
