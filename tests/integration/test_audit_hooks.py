"""Ingest, delete and assessment runs leave audit events, on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest

from service.components.catalog import build_registry
from service.components.embedding import FakeEmbedder
from service.composition import build_context
from service.domain.review import ReviewAction, ReviewState
from service.pipeline.assess import AssessmentRequest, run_assessment
from service.pipeline.audit import list_events, verify
from service.pipeline.context import PipelineContext
from service.pipeline.documents import delete_document
from service.pipeline.ingest import Ingestor
from service.pipeline.report import build_report
from service.pipeline.review import ReviewDecision, review_proposal
from service.settings import DBSettings, ScoringSettings, Settings

pytestmark = pytest.mark.integration
pytest_plugins = ["tests.databases"]


@pytest.fixture
def context(db_url: str, tmp_path: Path, fake_embedder: FakeEmbedder) -> PipelineContext:
    settings = Settings(data_dir=tmp_path / "data", db=DBSettings(url=db_url),
                        scoring=ScoringSettings(verify=False))
    return build_context(settings, fake_embedder)


def test_the_pipeline_records_who_did_what(context: PipelineContext, tmp_path: Path) -> None:
    policy = tmp_path / "access.md"
    policy.write_text("# Access control\n\nAccess rights are reviewed every quarter.\n")
    ingestor = Ingestor(context, "qa", "cli:alice")
    first = ingestor.ingest(policy, "access.md")
    assert ingestor.ingest(policy, "access.md").status == "unchanged"
    policy.write_text("# Access control\n\nAccess rights are reviewed every month.\n")
    assert ingestor.ingest(policy, "access.md").status == "indexed"
    registry = build_registry(context.settings)
    request = AssessmentRequest("qa", "iso27001-2022", ("A.5.15", "A.5.16"))
    assessment = run_assessment(context, registry, request, None, actor="cli:bob")
    delete_document(context, "qa", str(first.document_id), actor="cli:alice")
    with context.sessions() as session:
        events = list_events(session)
        assert verify(session).ok
    assert [(e.actor, e.action) for e in events] == [
        ("cli:alice", "document.indexed"), ("cli:alice", "document.replaced"),
        ("cli:bob", "assessment.started"), ("cli:bob", "assessment.completed"),
        ("cli:alice", "document.deleted")]
    indexed, replaced = events[0], events[1]
    assert indexed.target == f"workspace:qa/document:{first.document_id}"
    assert replaced.before == indexed.after
    assert replaced.after["sha256"] != indexed.after["sha256"]
    assert events[2].after["requested"] == ["A.5.15", "A.5.16"]
    assert events[3].after == {"status": "completed", "proposals": 2, "requirements": 2}
    assert events[4].before == replaced.after and events[4].after is None
    assert build_report(context, registry, assessment, "qa").model_dump(mode="json")["review"] == {
        "pending": 2, "accepted": 0, "overridden": 0, "na": 0, "changed_since_review": 0}
    with context.sessions() as session:
        review_proposal(session, registry,
                        ReviewDecision(assessment, "A.5.15", ReviewAction.ACCEPT),
                        actor="rita", workspace="qa")
    assert build_report(context, registry, assessment, "qa").review[ReviewState.ACCEPTED] == 1


def test_existing_callers_act_as_system(context: PipelineContext, tmp_path: Path) -> None:
    note = tmp_path / "note.txt"
    note.write_text("Visitors sign in at the front desk.")
    Ingestor(context, "qa").ingest(note, "note.txt")
    with context.sessions() as session:
        [event] = list_events(session)
    assert (event.actor, event.action) == ("system", "document.indexed")
