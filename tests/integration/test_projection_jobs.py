"""Projection jobs: a run again after a crash continues the same projection; a cancelled one
leaves its assessment interrupted."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import select

from service.components.catalog import CatalogRegistry, build_registry
from service.components.embedding import FakeEmbedder
from service.db import AuditEventRow
from service.db.assessments import proposals_of
from service.domain.assessment import AssessmentStatus
from service.domain.jobs import JobCancelledError, JobLostError
from service.pipeline.projection import load_projection, project_assessment
from service.pipeline.projection_jobs import projection_handler
from service.pipeline.review import open_assessment
from service.settings import Settings
from tests.conftest import ContextFactory
from tests.integration.test_projection import reviewed_iso_assessment

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def registry() -> CatalogRegistry:
    return build_registry(Settings())


def test_a_projection_killed_mid_way_resumes_each_carried_requirement_once(
    make_context: ContextFactory, fake_embedder: FakeEmbedder, registry: CatalogRegistry
) -> None:
    context = make_context(embedder=fake_embedder)
    source = reviewed_iso_assessment(context, registry)
    target = str(uuid.uuid4())
    seen: list[str] = []

    def dies_after_the_first(percent: float, ref: str) -> None:
        seen.append(ref)
        if len(seen) == 2:  # the first carried requirement is stored; then the worker dies
            raise JobLostError("killed")

    with pytest.raises(JobLostError):
        project_assessment(context, registry, source, "qa", "nist-csf-2.0", None, "axel",
                           target_id=target, progress=dies_after_the_first)
    with context.sessions() as session:
        assert [p.ref_id for p in proposals_of(session, target)] == seen[:1]

    again: list[tuple[float, str]] = []
    report = project_assessment(context, registry, source, "qa", "nist-csf-2.0", None, "axel",
                                target_id=target, progress=lambda p, ref: again.append((p, ref)))
    assert report.assessment_id == target
    assert seen[0] not in [ref for _, ref in again] and again[0][0] > 0.0
    with context.sessions() as session:
        refs = [p.ref_id for p in proposals_of(session, target)]
        actions = list(session.scalars(select(AuditEventRow.action).where(
            AuditEventRow.target.endswith(f"assessment:{target}")).order_by(AuditEventRow.seq)))
    assert len(refs) == len(set(refs)) == 1 + len(again)  # each carried requirement once
    assert actions == ["projection.started", "projection.completed"]
    assert load_projection(context, registry, target, "qa") == report


class _CancelledAfter:
    """A job control whose job is cancelled once ``steps`` progress reports were made."""

    def __init__(self, steps: int) -> None:
        self.steps = steps

    def progress(self, percent: float, current: str = "") -> None:
        self.steps -= 1
        if self.steps < 0:
            raise JobCancelledError


def test_a_cancelled_projection_job_leaves_its_assessment_interrupted(
    make_context: ContextFactory, fake_embedder: FakeEmbedder, registry: CatalogRegistry
) -> None:
    context = make_context(embedder=fake_embedder)
    source = reviewed_iso_assessment(context, registry)
    target = str(uuid.uuid4())
    handle = projection_handler(context, registry, lambda: None)
    params = {"workspace": "qa", "source_id": source, "to": "nist-csf-2.0", "actor": "axel",
              "target_id": target}
    with pytest.raises(JobCancelledError):
        handle(params, _CancelledAfter(2))  # the start, the first carried one, then cancel
    with context.sessions() as session:
        assert open_assessment(session, target, "qa").status == AssessmentStatus.INTERRUPTED
        assert len(proposals_of(session, target)) == 1
