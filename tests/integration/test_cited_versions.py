"""Citations stay valid: a cited version of a replaced or deleted document stays readable.

ALCOA+ "original": what a reviewer saw (the passage and the file it came from) must open
from the proposal after the document is replaced or deleted, marked as superseded, and out
of search and new assessments; it goes once nothing cites it. SQLite and PostgreSQL, real
Chroma; through the pipeline, the CLI and the API.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import delete, update
from typer.testing import CliRunner

from service.cli import app as cli
from service.components.catalog import CatalogRegistry, build_registry
from service.components.embedding import FakeEmbedder
from service.composition import build_context
from service.db import AssessmentRow, DocumentRow, ProposalRow, SignatureRow
from service.db.reviews import find_proposal
from service.db.tables import utcnow
from service.db.workspaces import get_or_create_workspace
from service.domain.assessment import Citation, Proposal
from service.domain.review import ReviewAction
from service.errors import NotFoundError
from service.pipeline import ingest as ingest_module
from service.pipeline.context import PipelineContext
from service.pipeline.documents import (
    document_versions,
    original_path,
    read_passage,
    workspace_documents,
)
from service.pipeline.ingest import Ingestor
from service.pipeline.ingest_reconcile import Reconciled, reconcile
from service.pipeline.review import ReviewDecision, review_proposal
from service.pipeline.search import search
from service.pipeline.versions import settle_chunks
from service.settings import Settings
from service.web.passages import cited_passages
from tests.api_helpers import Api, api_settings
from tests.assessments import proposal
from tests.shown import shown_chunks
from tests.web_helpers import sign_in

pytestmark = pytest.mark.integration
pytest_plugins = ["tests.databases"]
WS = "qa"
REF = "A.5.15"
OLD = "# Backups\n\nBackups are encrypted and copied offsite every night.\n"
NEW = "# Backups\n\nBackups are replicated to a second region every hour.\n"
Maker = Callable[[], PipelineContext]


@pytest.fixture(scope="module")
def registry() -> CatalogRegistry:
    return build_registry(Settings())


@pytest.fixture
def make(tmp_path: Path, db_url: str) -> Iterator[Maker]:
    def factory() -> PipelineContext:
        settings = Settings(data_dir=tmp_path / "data", db={"url": db_url})
        return build_context(settings, FakeEmbedder())

    yield factory


def ingest(context: PipelineContext, folder: Path, text: str, name: str = "backup.md") -> str:
    path = folder / f"{uuid.uuid4().hex[:6]}-{name}"
    path.write_text(text)
    outcome = Ingestor(context, WS).ingest(path, name)
    assert outcome.status == "indexed" and outcome.document_id, outcome
    return outcome.document_id


def cite(context: PipelineContext, registry: CatalogRegistry | None = None) -> tuple[str, str]:
    """An assessment whose proposal quotes the shown chunk; reviewed if a registry is given.

    Returns the assessment id and the chunk id cited.
    """
    [hit] = search(context, WS, "backups", 1)
    chunk = hit.chunk
    cited = proposal(REF, 2).model_copy(update={"citations": (Citation(
        chunk_id=chunk.chunk_id, document=chunk.document, page=chunk.page,
        heading=chunk.heading, quote=chunk.text.split("\n")[-1]),)})
    assessment = str(uuid.uuid4())
    with context.sessions() as session:
        space = get_or_create_workspace(session, WS)
        session.add(AssessmentRow(
            id=assessment, workspace_id=space.id, framework_id="iso27001-2022",
            scale_id="maturity-0-5", strategy="match", status="completed", requested=[REF],
            parameters={}))
        session.add(ProposalRow(
            assessment_id=assessment, ref_id=REF, theme=cited.theme, maturity=2, level=2,
            confidence=cited.confidence, status=cited.status.value,
            payload=cited.model_dump(mode="json")))
        session.commit()
        if registry is not None:
            review_proposal(session, registry, ReviewDecision(assessment, REF, ReviewAction.ACCEPT),
                            actor="rita", workspace=WS)
    return assessment, chunk.chunk_id


def cited_proposal(context: PipelineContext, assessment: str) -> Proposal:
    with context.sessions() as session:
        row = find_proposal(session, assessment, REF)
        assert row is not None
        return Proposal.model_validate(row.payload)


def stored_texts(context: PipelineContext, chunk_id: str) -> list[str]:
    return [c.text for c in context.store.chunks(WS, [chunk_id])]


def test_a_replaced_version_that_a_reviewed_proposal_cites_stays_readable_until_uncited(
    make: Maker, tmp_path: Path, registry: CatalogRegistry,
) -> None:
    context = make()
    document = ingest(context, tmp_path, OLD)
    assessment, old_chunk = cite(context, registry)
    old_original = original_path(context, workspace_documents(context, WS)[0])
    assert ingest(context, tmp_path, NEW) == document  # the same name: replaced

    # out of search, retrieval and the document list: only the new version shows
    found = search(context, WS, "backups", 5)
    assert found and all("second region" in h.chunk.text for h in found)
    assert all("second region" in c.text for c in shown_chunks(context, WS))
    assert [d.version for d in workspace_documents(context, WS)] == [2]
    # ... and readable from the proposal that cites it, marked superseded
    assert "offsite" in stored_texts(context, old_chunk)[0]
    passage_chunk, version = read_passage(context, WS, old_chunk)
    assert "offsite" in passage_chunk.text
    today = datetime.now(UTC).date().isoformat()
    assert (version.state, version.version, version.note) == (
        "superseded", 1, f"superseded on {today} by version 2")
    assert "offsite" in original_path(context, version).read_text()
    assert original_path(context, version) == old_original
    assert [(v.version, v.state) for v in document_versions(context, WS, document)] == [
        (1, "superseded"), (2, "current")]
    [passage] = cited_passages(context, WS, cited_proposal(context, assessment))
    assert passage.version_note == f"superseded on {today} by version 2"
    assert (passage.original_url or "").endswith(f"/documents/{document}/original?version=1")
    assert "offsite" in "".join(s.text for s in passage.segments)

    # the reconcile's orphan sweep leaves it; once nothing cites it, the next pass purges it
    assert reconcile(make()).chunks_removed == 0
    assert stored_texts(context, old_chunk)
    with context.sessions() as session:
        session.execute(delete(AssessmentRow).where(AssessmentRow.id == assessment))
        session.commit()
    assert reconcile(make()).versions_purged == 1
    assert stored_texts(context, old_chunk) == []
    assert not old_original.exists()
    assert [v.state for v in document_versions(context, WS, document)] == ["current"]
    with pytest.raises(NotFoundError):
        read_passage(context, WS, old_chunk)


def test_a_replaced_version_nothing_reviewed_cites_goes_with_its_original(
    make: Maker, tmp_path: Path,
) -> None:
    context = make()
    document = ingest(context, tmp_path, OLD)
    _assessment, old_chunk = cite(context)  # cited, never reviewed nor signed
    old_original = original_path(context, workspace_documents(context, WS)[0])
    ingest(context, tmp_path, NEW)
    assert stored_texts(context, old_chunk) == []
    assert not old_original.exists()
    assert [v.state for v in document_versions(context, WS, document)] == ["current"]


def test_a_deleted_document_cited_by_a_signed_assessment_stays_readable_through_the_cli(
    make: Maker, tmp_path: Path, db_url: str, monkeypatch: pytest.MonkeyPatch,
) -> None:
    context = make()
    document = ingest(context, tmp_path, OLD)
    assessment, chunk_id = cite(context)
    with context.sessions() as session:
        session.add(SignatureRow(assessment_id=assessment, signer="sam", meaning="approval",
                                 content_hash="0" * 64))
        session.commit()
    monkeypatch.setenv("ASSAY_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("ASSAY_DB__URL", db_url)
    monkeypatch.setenv("ASSAY_EMBEDDING__MODE", "fake")
    runner = CliRunner()
    deleted = runner.invoke(cli, ["documents", "delete", document, "--workspace", WS])
    assert deleted.exit_code == 0, deleted.output
    listed = runner.invoke(cli, ["documents", "list", "--workspace", WS, "--json"])
    assert json.loads(listed.stdout)["documents"] == []
    assert search(context, WS, "backups", 5) == []
    shown = runner.invoke(cli, ["documents", "versions", document, "--workspace", WS, "--json"])
    assert shown.exit_code == 0, shown.output
    [kept] = json.loads(shown.stdout)["versions"]
    today = datetime.now(UTC).date().isoformat()
    assert (kept["version"], kept["state"], kept["note"]) == (1, "deleted", f"deleted on {today}")
    assert "offsite" in Path(kept["original"]).read_text()
    assert "offsite" in read_passage(context, WS, chunk_id)[0].text
    assert reconcile(make()).versions_purged == 0  # a signature keeps it


def test_the_api_opens_a_superseded_passage_and_its_original(
    tmp_path: Path, db_url: str, registry: CatalogRegistry,
) -> None:
    new = tmp_path / "new" / "backup.md"
    new.parent.mkdir()
    new.write_text(NEW)
    with Api(api_settings(tmp_path / "data", db_url), FakeEmbedder()) as api:
        api.workspace(WS)
        document = api.ok("POST", f"/workspaces/{WS}/documents", status=201,
                          files={"file": ("backup.md", OLD.encode())})["document"]["id"]
        context = api.services.context
        _assessment, chunk_id = cite(context, registry)
        replaced = api.upload(WS, new)
        assert replaced.status_code == 201 and replaced.json()["document"]["version"] == 2
        passage = api.ok("GET", f"/workspaces/{WS}/passages/{chunk_id}")
        today = datetime.now(UTC).date().isoformat()
        assert "offsite" in passage["text"]
        assert (passage["version"]["state"], passage["version"]["note"]) == (
            "superseded", f"superseded on {today} by version 2")
        original = api.call("GET", passage["version"]["original"])
        assert original.status_code == 200 and original.text == OLD
        assert api.call("GET", f"/workspaces/{WS}/documents/{document}/original").text == NEW
        versions = api.ok("GET", f"/workspaces/{WS}/documents/{document}/versions")["versions"]
        assert [(v["version"], v["state"]) for v in versions] == [(1, "superseded"),
                                                                  (2, "current")]
        hits = api.ok("POST", f"/workspaces/{WS}/search", json={"text": "backups", "k": 5})
        assert hits["results"] and all("second region" in h["text"] for h in hits["results"])
        assert api.call("GET", f"/workspaces/{WS}/documents/{document}/original?version=7"
                        ).status_code == 404


def test_the_requirement_page_shows_the_superseded_passage_and_opens_its_original(
    web: tuple[TestClient, dict[str, str]], registry: CatalogRegistry,
) -> None:
    client, tokens = web
    csrf = sign_in(client, tokens["axel"])
    headers = {"X-CSRF-Token": csrf, "Accept": "application/json"}

    def upload(text: str) -> str:
        done = client.post("/w/qa/documents/upload", headers=headers,
                           files={"file": ("backup.md", text.encode())})
        assert done.status_code == 200 and done.json()["status"] == "indexed", done.text
        return str(done.json()["id"])

    document = upload(OLD)
    context: PipelineContext = client.app.state.services.context  # type: ignore[attr-defined]
    assessment, chunk_id = cite(context, registry)
    assert upload(NEW) == document
    today = datetime.now(UTC).date().isoformat()
    page = client.get(f"/w/qa/assessments/{assessment}/r/{REF}")
    assert page.status_code == 200
    assert f"superseded on {today} by version 2" in page.text
    assert "copied offsite every night" in page.text
    link = f"/w/qa/documents/{document}/original?version=1"
    assert link.replace("&", "&amp;") in page.text
    assert client.get(link).text == OLD
    assert client.get(f"/w/qa/documents/{document}/original").text == NEW
    passage = client.get(f"/w/qa/passages/{chunk_id}")
    assert f"superseded on {today} by version 2" in passage.text


def test_a_kill_between_the_commit_and_the_clean_up_keeps_the_cited_version(
    make: Maker, tmp_path: Path, registry: CatalogRegistry, monkeypatch: pytest.MonkeyPatch,
) -> None:
    context = make()
    document = ingest(context, tmp_path, OLD)
    _assessment, old_chunk = cite(context, registry)

    calls: list[tuple[Any, ...]] = []

    def killed_after_the_commit(*args: Any) -> None:
        calls.append(args)
        if len(calls) > 1:  # the claim's clean-up ran; the one after the commit dies
            raise RuntimeError("killed")
        settle_chunks(*args)

    monkeypatch.setattr(ingest_module, "settle_chunks", killed_after_the_commit)
    path = tmp_path / "again-backup.md"
    path.write_text(NEW)
    with pytest.raises(RuntimeError, match="killed"):
        Ingestor(context, WS).ingest(path, "backup.md")
    monkeypatch.undo()
    with context.sessions() as session:  # the dead process's lease lapses
        session.execute(update(DocumentRow).values(lease_expires_at=utcnow() - timedelta(1)))
        session.commit()
    assert reconcile(make()).leases_cleared == 1
    assert "offsite" in read_passage(context, WS, old_chunk)[0].text
    assert [(v.version, v.state) for v in document_versions(context, WS, document)] == [
        (1, "superseded"), (2, "current")]
    assert all("second region" in c.text for c in shown_chunks(context, WS))
    assert reconcile(make()) == Reconciled()
