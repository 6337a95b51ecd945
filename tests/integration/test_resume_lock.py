"""Resuming an assessment: refused while a live job holds it, allowed once its lease lapsed."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest

from service.components.catalog import build_registry
from service.components.embedding import FakeEmbedder
from service.db import AssessmentRow, JobRow
from service.db.tables import utcnow
from service.db.workspaces import get_or_create_workspace
from service.domain.assessment import AssessmentStatus
from service.errors import ConflictError
from service.pipeline.assess import AssessmentRequest
from service.pipeline.assessment_jobs import KIND, check_request
from service.pipeline.audit import list_events
from service.pipeline.context import PipelineContext
from service.pipeline.ingest_reconcile import reconcile
from tests.conftest import ContextFactory

pytestmark = pytest.mark.integration
WS, FRAMEWORK = "w", "iso27001-2022"


def running_assessment(context: PipelineContext) -> str:
    """An assessment left "running" (as a killed run leaves it)."""
    assessment_id = str(uuid.uuid4())
    with context.sessions() as session:
        workspace = get_or_create_workspace(session, WS)
        session.add(AssessmentRow(
            id=assessment_id, workspace_id=workspace.id, framework_id=FRAMEWORK,
            scale_id="maturity-0-5", strategy="match", status=AssessmentStatus.RUNNING,
            requested=["A.5.15"], parameters={}))
        session.commit()
    return assessment_id


def job_holding(context: PipelineContext, assessment_id: str, lease: timedelta,
                holder: str = "host:1:abc") -> str:
    """A running job of the assessment, held by ``holder``, whose lease ends ``lease`` from now."""
    job_id = str(uuid.uuid4())
    with context.sessions() as session:
        session.add(JobRow(
            id=job_id, kind=KIND, scope=WS, state="running", percent=10.0, current="",
            cancel_requested=False, attempts=1, lease_holder=holder,
            lease_expires=utcnow() + lease,
            params={"workspace": WS, "assessment_id": assessment_id, "resume": None}))
        session.commit()
    return job_id


def test_resume_is_refused_while_a_live_job_runs_the_assessment(
    make_context: ContextFactory,
) -> None:
    context = make_context(embedder=FakeEmbedder())
    registry = build_registry(context.settings)
    held, lapsed, orphan = (running_assessment(context) for _ in range(3))
    job = job_holding(context, held, timedelta(minutes=5))
    job_holding(context, lapsed, timedelta(minutes=-5))

    def check(assessment_id: str) -> None:
        with context.sessions() as session:
            check_request(registry, session, AssessmentRequest(WS, FRAMEWORK, resume=assessment_id))

    with pytest.raises(ConflictError, match=rf"assessment '{held}' .* job '{job}'") as refused:
        check(held)
    assert refused.value.status_code == 409
    check(lapsed)  # its job's holder is gone: the assessment is interrupted
    check(orphan)  # no job at all (a killed CLI run)


def status(context: PipelineContext, assessment_id: str) -> str:
    with context.sessions() as session:
        row = session.get(AssessmentRow, assessment_id)
        assert row is not None
        return row.status


def test_the_reconcile_marks_interrupted_only_what_an_expired_lease_held(
    make_context: ContextFactory,
) -> None:
    context = make_context(embedder=FakeEmbedder())
    live, lapsed, cli_run = (running_assessment(context) for _ in range(3))
    job_holding(context, live, timedelta(minutes=5), holder="host-a:101:live")
    job = job_holding(context, lapsed, timedelta(minutes=-5), holder="host-b:202:dead")
    other_process = make_context(embedder=FakeEmbedder())  # the same data dir and database
    assert reconcile(other_process).assessments_interrupted == 1
    assert status(context, lapsed) == AssessmentStatus.INTERRUPTED
    assert status(context, live) == AssessmentStatus.RUNNING  # a live lease holds it
    assert status(context, cli_run) == AssessmentStatus.RUNNING  # no job, no lease: unknown
    with context.sessions() as session:
        events = [e for e in list_events(session) if e.action == "assessment.interrupted"]
    assert [e.target for e in events] == [f"workspace:{WS}/assessment:{lapsed}"]
    assert job in (events[0].reason or "")
    assert reconcile(other_process).assessments_interrupted == 0  # once
