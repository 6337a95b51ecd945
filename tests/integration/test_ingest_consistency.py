"""The ingest transaction story on SQLite and PostgreSQL with real Chroma.

A document is pending (and shown nowhere) until its vectors are stored; a failure removes
what it wrote; a second upload of the same name meanwhile is refused with a 409; the
reconcile clears expired work and orphan chunks but never work a live process holds.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from httpx2 import Response
from sqlalchemy import update

from service.components.embedding import Embedder, FakeEmbedder
from service.composition import Services, build_context
from service.db import DocumentRow
from service.db.documents import workspace_rows
from service.db.tables import PENDING
from service.db.workspaces import get_workspace
from service.domain.evidence import Chunk
from service.errors import NotFoundError
from service.pipeline import ingest as ingest_module
from service.pipeline.context import PipelineContext
from service.pipeline.documents import (
    delete_document,
    find_document,
    original_path,
    workspace_documents,
)
from service.pipeline.ingest import Ingestor, IngestOutcome
from service.pipeline.ingest_lease import BeingIngestedError
from service.pipeline.ingest_reconcile import Reconciled, reconcile
from service.pipeline.ingest_stages import ValidatedFile, store_original
from service.pipeline.search import search
from service.settings import Settings
from tests.api_helpers import Api, api_settings
from tests.shown import shown_chunks

pytestmark = pytest.mark.integration
pytest_plugins = ["tests.databases"]
WS = "default"
POLICY = "# Backups\n\nBackups are encrypted and copied offsite every night.\n"
NEW_POLICY = "# Backups\n\nBackups are replicated to a second region every hour.\n"


class GatedEmbedder:
    """The fake embedder, stopping at its ``at``-th call until released (or failing there).

    An ingest embeds twice: its chunks (stored at once), then their sentences; stopping at
    the second call holds the ingest with its chunks in the store and its row pending.
    """

    def __init__(self, at: int = 2, fail: bool = False) -> None:
        self.inner = FakeEmbedder()
        self.at, self.fail = at, fail
        self.calls = 0
        self.reached, self.release = threading.Event(), threading.Event()

    @property
    def model_name(self) -> str:
        return self.inner.model_name

    @property
    def dimension(self) -> int:
        return self.inner.dimension

    def embed(self, texts: list[str]) -> list[list[float]]:
        self.calls += 1
        if self.calls == self.at:
            self.reached.set()
            if self.fail:
                raise RuntimeError("the embedding model stopped")
            assert self.release.wait(60)
        return self.inner.embed(texts)


ContextMaker = Callable[..., PipelineContext]


@pytest.fixture
def make(tmp_path: Path, db_url: str) -> Iterator[ContextMaker]:
    """Contexts over one data dir and database (as separate processes would have)."""

    def factory(embedder: Embedder | None = None, lease_seconds: float = 120) -> PipelineContext:
        settings = Settings(data_dir=tmp_path / "data", db={"url": db_url},
                            ingest={"lease_seconds": lease_seconds})
        return build_context(settings, embedder or FakeEmbedder())

    yield factory


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / f"{uuid.uuid4().hex[:6]}-{name}"
    path.write_text(text)
    return path


def rows(context: PipelineContext) -> list[DocumentRow]:
    with context.sessions() as session:
        space = get_workspace(session, WS)
        return [] if space is None else list(workspace_rows(session, space.id))


def in_thread(work: Callable[[], object]) -> tuple[threading.Thread, list[object]]:
    result: list[object] = []

    def run() -> None:
        try:
            result.append(work())
        except BaseException as error:  # the test reads it
            result.append(error)

    thread = threading.Thread(target=run)
    thread.start()
    return thread, result


@contextmanager
def held_upload(make: ContextMaker, tmp_path: Path) -> Iterator[tuple[PipelineContext,
                                                                      list[object]]]:
    """An upload of policy.md held mid-embedding (its lease live) until the block ends.

    Yields its context and the list its outcome lands in once released.
    """
    gated = GatedEmbedder()
    context = make(gated)
    path = write(tmp_path, "policy.md", POLICY)
    thread, result = in_thread(lambda: Ingestor(context, WS).ingest(path, "policy.md"))
    try:
        assert gated.reached.wait(60)
        yield context, result
    finally:
        gated.release.set()
        thread.join(60)


def test_pending_document_is_shown_nowhere_and_blocks_a_second_upload(
    make: ContextMaker, tmp_path: Path
) -> None:
    with held_upload(make, tmp_path) as (context, result):
        assert context.store.count(WS) > 0  # its chunks are stored ...
        assert [r.state for r in rows(context)] == [PENDING]
        assert workspace_documents(context, WS) == []  # ... and shown nowhere
        assert search(context, WS, "offsite backups", 5) == []
        assert shown_chunks(context, WS) == []
        with pytest.raises(NotFoundError):
            find_document(context, WS, rows(context)[0].id)
        other = make()  # another process
        again = write(tmp_path, "policy.md", NEW_POLICY)
        with pytest.raises(BeingIngestedError, match=r"policy\.md"):
            Ingestor(other, WS).ingest(again, "policy.md")
        assert reconcile(other) == Reconciled()  # a live lease is never touched
        assert context.store.count(WS) > 0
    outcome = result[0]
    assert isinstance(outcome, IngestOutcome) and outcome.status == "indexed"
    assert [d.name for d in workspace_documents(context, WS)] == ["policy.md"]
    assert [h.chunk.document for h in search(context, WS, "offsite backups", 5)] == ["policy.md"]


def test_a_failed_ingest_removes_its_vectors_and_its_row(
    make: ContextMaker, tmp_path: Path
) -> None:
    context = make(GatedEmbedder(fail=True))
    with pytest.raises(RuntimeError):
        Ingestor(context, WS).ingest(write(tmp_path, "policy.md", POLICY), "policy.md")
    assert context.store.count(WS) == 0
    assert rows(context) == []
    retry = make()
    assert Ingestor(retry, WS).ingest(write(tmp_path, "p.md", POLICY), "policy.md").status \
        == "indexed"


def test_a_failed_group_removes_every_file_of_it(make: ContextMaker, tmp_path: Path) -> None:
    context = make(GatedEmbedder(fail=True))  # the group's sentences fail
    files = [(write(tmp_path, name, POLICY.replace("nightly", name)), name)
             for name in ("a.md", "b.md")]
    with pytest.raises(RuntimeError):
        list(Ingestor(context, WS).ingest_all(files))
    assert context.store.count(WS) == 0
    assert rows(context) == []


def test_an_upload_of_many_rejects_a_file_held_elsewhere_and_indexes_the_rest(
    make: ContextMaker, tmp_path: Path
) -> None:
    with held_upload(make, tmp_path) as (context, result):
        files = [(write(tmp_path, "policy.md", NEW_POLICY), "policy.md"),
                 (write(tmp_path, "other.md", NEW_POLICY), "other.md")]
        outcomes = list(Ingestor(make(), WS).ingest_all(files))
        assert [(o.document, o.status) for o in outcomes] == [
            ("policy.md", "rejected"), ("other.md", "indexed")]
        assert "another upload" in (outcomes[0].error or "")
    assert isinstance(result[0], IngestOutcome) and result[0].status == "indexed"
    assert sorted(d.name for d in workspace_documents(context, WS)) == ["other.md", "policy.md"]


def test_a_failed_replacement_keeps_the_old_version(make: ContextMaker, tmp_path: Path) -> None:
    context = make()
    first = Ingestor(context, WS).ingest(write(tmp_path, "policy.md", POLICY), "policy.md")
    before = context.store.count(WS)
    failing = make(GatedEmbedder(fail=True))
    with pytest.raises(RuntimeError):
        Ingestor(failing, WS).ingest(write(tmp_path, "policy.md", NEW_POLICY), "policy.md")
    assert context.store.count(WS) == before
    [row] = rows(context)
    assert (row.id, row.lease_holder, row.content_hash) == (
        first.document_id, None, find_document(context, WS, row.id).sha256)
    assert [h.chunk.text for h in search(context, WS, "backups", 5)] == [
        c.text for c in shown_chunks(context, WS)]


def test_a_replacement_in_flight_shows_the_old_version_only(
    make: ContextMaker, tmp_path: Path
) -> None:
    context = make()
    Ingestor(context, WS).ingest(write(tmp_path, "policy.md", POLICY), "policy.md")
    gated = GatedEmbedder()
    replacing = make(gated)
    path = write(tmp_path, "policy.md", NEW_POLICY)
    thread, result = in_thread(lambda: Ingestor(replacing, WS).ingest(path, "policy.md"))
    try:
        assert gated.reached.wait(60)
        assert context.store.count(WS) == 2  # both versions are stored
        assert ["offsite" in c.text for c in shown_chunks(context, WS)] == [True]
        assert ["offsite" in h.chunk.text for h in search(context, WS, "backups", 5)] == [True]
        with pytest.raises(BeingIngestedError):
            delete_document(context, WS, rows(context)[0].id)
    finally:
        gated.release.set()
        thread.join(60)
    assert isinstance(result[0], IngestOutcome) and result[0].status == "indexed"
    assert ["region" in c.text for c in shown_chunks(context, WS)] == [True]
    assert context.store.count(WS) == 1


def test_reconcile_clears_expired_work_and_orphan_chunks(
    make: ContextMaker, tmp_path: Path
) -> None:
    context = make()
    kept = Ingestor(context, WS).ingest(write(tmp_path, "keep.md", POLICY), "keep.md")
    gated = GatedEmbedder()
    dying = make(gated)
    path = write(tmp_path, "dying.md", NEW_POLICY)
    thread, result = in_thread(lambda: Ingestor(dying, WS).ingest(path, "dying.md"))
    assert gated.reached.wait(60)
    # a process that dies stops renewing: here its lease is put in the past
    with context.sessions() as session:
        session.execute(update(DocumentRow).where(DocumentRow.state == PENDING)
                        .values(lease_expires_at=DocumentRow.created_at))
        session.commit()
    orphan = Chunk(chunk_id="gone:0123456789ab:00000", workspace=WS, document_id="gone",
                   document="gone.md", index=0, text="An orphan passage.")
    context.store.add(WS, [orphan], context.embedder.embed([orphan.text]))
    done = reconcile(context)
    assert (done.pending_removed, done.chunks_removed) == (1, 1)
    assert [r.id for r in rows(context)] == [kept.document_id]
    assert {c.document_id for c in context.store.chunks(WS)} == {kept.document_id}
    gated.release.set()
    thread.join(60)
    assert result and not isinstance(result[0], IngestOutcome)  # it lost its lease
    assert {c.document_id for c in context.store.chunks(WS)} == {kept.document_id}
    again = Ingestor(context, WS).ingest(path, "dying.md")
    assert again.status == "indexed"
    assert sorted(d.name for d in workspace_documents(context, WS)) == ["dying.md", "keep.md"]


def test_a_second_upload_of_the_same_name_over_the_api_gets_409(
    tmp_path: Path, db_url: str
) -> None:
    gated = GatedEmbedder()
    settings = api_settings(tmp_path / "data", db_url)
    first_path = write(tmp_path, "policy.md", POLICY)
    second_path = write(tmp_path, "policy.md", NEW_POLICY)
    with Api(settings, gated) as api:
        api.workspace("acme")
        thread, result = in_thread(lambda: api.upload("acme", first_path, name="policy.md"))
        try:
            assert gated.reached.wait(60)
            second = api.upload("acme", second_path, name="policy.md")
            assert second.status_code == 409, second.text
            assert "policy.md" in second.json()["error"]["message"]
            assert "being ingested" in second.json()["error"]["message"]
            assert api.ok("GET", "/workspaces/acme/documents")["documents"] == []
        finally:
            gated.release.set()
            thread.join(60)
        first = result[0]
        assert isinstance(first, Response) and first.status_code == 201, first
        listed = api.ok("GET", "/workspaces/acme/documents")["documents"]
        assert [(d["document"], d["id"]) for d in listed] == [
            ("policy.md", first.json()["document"]["id"])]
        assert api.upload("acme", second_path, name="policy.md").status_code == 201


def test_a_server_reconciles_periodically(tmp_path: Path, db_url: str) -> None:
    settings = Settings(data_dir=tmp_path / "data", db={"url": db_url},
                        ingest={"reconcile_seconds": 0.2}, llm={"mode": "fake"})
    services = Services(settings, embedder=FakeEmbedder())
    services.start()
    try:
        context = services.context
        orphan = Chunk(chunk_id="gone:0123456789ab:00000", workspace=WS, document_id="gone",
                       document="gone.md", index=0, text="An orphan passage.")
        context.store.add(WS, [orphan], context.embedder.embed([orphan.text]))
        deadline = time.monotonic() + 30
        while context.store.count(WS) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert context.store.count(WS) == 0
    finally:
        services.close()


def test_a_delete_never_unlinks_an_original_a_replacement_is_committing(
    make: ContextMaker, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Originals are shared by content across workspaces: workspace "other" deletes its copy
    of NEW_POLICY just as the replacement in WS has written that original, before its row
    refers to it; the delete must wait, count the new reference, and keep the file."""
    context = make()
    other = Ingestor(context, "other").ingest(write(tmp_path, "n.md", NEW_POLICY), "n.md")
    other_id = other.document_id
    assert other_id is not None
    Ingestor(context, WS).ingest(write(tmp_path, "policy.md", POLICY), "policy.md")
    deleting: list[threading.Thread] = []

    def store_then_delete_elsewhere(file: ValidatedFile, originals: Path) -> Path:
        stored = store_original(file, originals)
        thread, _ = in_thread(lambda: delete_document(make(), "other", other_id))
        thread.join(2)  # done at once unless it waits for the originals lock
        deleting.append(thread)
        return stored

    monkeypatch.setattr(ingest_module, "store_original", store_then_delete_elsewhere)
    Ingestor(context, WS).ingest(write(tmp_path, "policy.md", NEW_POLICY), "policy.md")
    deleting[0].join(60)
    [row] = rows(context)
    assert original_path(context, find_document(context, WS, row.id)).read_text() == NEW_POLICY


def test_the_orphan_sweep_reads_the_store_a_page_at_a_time(
    make: ContextMaker, tmp_path: Path
) -> None:
    context = make()
    for n in range(3):
        Ingestor(context, WS).ingest(write(tmp_path, f"p{n}.md", POLICY + f"\nPolicy {n}.\n"),
                                     f"p{n}.md")
    whole = context.store.chunk_owners(WS, page=100_000)
    assert len(whole) >= 3
    assert context.store.chunk_owners(WS, page=2) == whole
