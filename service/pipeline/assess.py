"""Assessment runs: each run is a new dated assessment; `resume` finishes an interrupted one."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, date, datetime

from service.components.catalog import CatalogRegistry
from service.components.llm import LLM
from service.db import AssessmentRow, ProposalRow
from service.db.assessments import get_assessment, proposed_refs
from service.db.tables import utcnow
from service.db.workspaces import get_or_create_workspace
from service.domain.assessment import AssessmentStatus, Proposal
from service.domain.catalog import Requirement
from service.domain.scope import scope_statement
from service.errors import InvalidInputError, NotFoundError
from service.pipeline.audit import SYSTEM_ACTOR, record, workspace_target
from service.pipeline.context import PipelineContext
from service.pipeline.scoring_setup import build_scorer

Progress = Callable[[int, int, str], None]


@dataclass(frozen=True)
class AssessmentRequest:
    """What to assess: a workspace against a framework, all of it or some requirements.

    ``scope`` is the optional statement of what the assessment covers; it is set when an
    assessment starts (a resumed one keeps its own; change it with ``set_scope``).
    ``model_rationale`` marks the proposals for the model's rationale, written after the
    levels (``pipeline/rationales.py``), when the settings ask for it and there is a model.
    """

    workspace: str
    framework_id: str
    refs: tuple[str, ...] = ()
    scale_id: str | None = None
    resume: str | None = None
    scope: str | None = None
    assessment_id: str | None = None  # the id of the new assessment; a run again resumes it
    as_of: date | None = None
    """The day records are judged fresh against; default the day the assessment starts."""
    model_rationale: bool = True


AS_OF = "as_of"


def assessment_as_of(row: AssessmentRow) -> date:
    """The day an assessment judges its records' freshness against (older runs: their start)."""
    stored = row.parameters.get(AS_OF)
    return date.fromisoformat(str(stored)) if stored else row.created_at.date()


def check_resume_as_of(row: AssessmentRow, as_of: date | None) -> None:
    """A resumed run keeps its assessment's as-of day: another one given is refused."""
    if as_of is not None and as_of != assessment_as_of(row):
        raise InvalidInputError(
            f"assessment {row.id} is as of {assessment_as_of(row)}: a resumed run keeps its date"
        )


def select_requirements(
    registry: CatalogRegistry, framework_id: str, refs: tuple[str, ...]
) -> list[Requirement]:
    """The assessable requirements named.

    An assessable node names itself, even when it has children (an SP 800-53 base control
    such as AC-2 is assessed without its enhancements); a parent that is not assessable names
    its assessable descendants (ISO 27001 ``6.1``, an 800-53 family ``AC``).
    """
    if not refs:
        return registry.assessable(framework_id)
    chosen: dict[str, Requirement] = {}
    for ref in refs:
        named = registry.requirement(framework_id, ref)
        if named.assessable:
            chosen.setdefault(named.ref_id, named)
            continue
        pending = list(reversed(registry.children(framework_id, named.ref_id)))
        while pending:  # depth first, so that the order is the catalog's
            node = pending.pop()
            if node.assessable:
                chosen.setdefault(node.ref_id, node)
            pending.extend(reversed(registry.children(framework_id, node.ref_id)))
    return list(chosen.values())


def _open(
    context: PipelineContext, registry: CatalogRegistry, request: AssessmentRequest, actor: str
) -> tuple[AssessmentRow, list[Requirement]]:
    framework = registry.get(request.framework_id)
    with context.sessions() as session:
        workspace = get_or_create_workspace(session, request.workspace)
        if request.resume and request.scope is not None:
            raise InvalidInputError("a resumed assessment keeps its scope; change it with "
                                    "`assay assessments scope` instead")
        known = request.resume or request.assessment_id
        row = get_assessment(session, workspace.id, known) if known else None
        if request.resume and row is None:
            raise NotFoundError(
                f"no assessment '{request.resume}' in workspace '{request.workspace}'"
            )
        resumed = row is not None
        if row is not None:
            if row.framework_id != framework.framework.id:
                raise InvalidInputError(
                    f"assessment {row.id} is of {row.framework_id}, not {framework.framework.id}"
                )
            check_resume_as_of(row, request.as_of)
            refs = tuple(row.requested)
        else:
            scale = registry.scale(request.scale_id or framework.framework.default_scale)
            refs = request.refs
            row = AssessmentRow(
                id=request.assessment_id or str(uuid.uuid4()),
                workspace_id=workspace.id,
                framework_id=framework.framework.id,
                scale_id=scale.id,
                strategy=context.settings.scoring.strategy,
                status=AssessmentStatus.RUNNING,
                requested=list(refs),
                parameters={
                    **context.settings.scoring.model_dump(mode="json"),
                    AS_OF: (request.as_of or datetime.now(UTC).date()).isoformat(),
                },
                scope=scope_statement(request.scope),
            )
        row.status = AssessmentStatus.RUNNING
        session.add(row)
        record(
            session, actor, "assessment.resumed" if resumed else "assessment.started",
            workspace_target(request.workspace, f"assessment:{row.id}"), None,
            {"framework": row.framework_id, "scale": row.scale_id, "requested": list(refs),
             "scope": row.scope, AS_OF: assessment_as_of(row).isoformat()},
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
                                     assessment_as_of(row), request.model_rationale)
    retriever.prepare(todo)
    workers = (
        context.settings.llm.max_concurrency
        if context.settings.llm.mode in ("openai", "ollama")
        else 1
    )
    total, finished = len(requirements), len(done)
    status = AssessmentStatus.INTERRUPTED
    try:  # from the first report on: a cancellation there is recorded as an interruption
        on_progress(finished, total, "")
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
