"""SIGKILL an `assay serve` mid-upload: nothing half-written shows, over the API or below it;
the restarted server's reconcile clears it once the lease runs out, and the same upload then
succeeds and is searchable (SQLite and PostgreSQL, real Chroma and model, a real server)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx2
import pytest

from service.components.embedding import LocalEmbedder
from service.composition import build_context
from service.db.documents import workspace_rows
from service.db.tables import PENDING
from service.db.workspaces import get_workspace
from service.pipeline.context import PipelineContext
from service.pipeline.documents import workspace_documents
from service.pipeline.search import search
from service.pipeline.visible import visible_documents
from service.settings import Settings
from tests.integration.test_ingest_kill import long_policy, stored_records
from tests.real_services import CLI, REPO, free_port

pytestmark = pytest.mark.integration
pytest_plugins = ["tests.databases"]
# long enough to outlive the restart (usually), so the restarted server is seen hiding a
# live pending row; the checks hold either way. 15 s was too short on a loaded CI machine:
# the repeated upload (its server loading the model at the same time) lost its lease once
# (2026-12-04); the default is 120 s.
LEASE_SECONDS = 30
RECONCILE_SECONDS = 1
WAIT = 240.0
QUESTION = "how often are backups reviewed"


class Server:
    """`assay serve` in its own process group, logging to files in ``folder``."""

    def __init__(self, env: dict[str, str], folder: Path) -> None:
        self.port = free_port()
        self._env = env
        self._out, self._log = folder / "serve.out", folder / "serve.log"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        """Start the server and wait until it answers /health."""
        with self._out.open("ab") as out, self._log.open("ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-c", CLI, "serve", "--port", str(self.port)], cwd=REPO,
                env=self._env, stdout=out, stderr=log, start_new_session=True,
            )
        deadline = time.monotonic() + WAIT
        while True:
            try:
                if httpx2.get(f"{self.url}/health", timeout=2).status_code == 200:
                    return
            except httpx2.HTTPError:
                pass
            assert self.process.poll() is None, f"assay serve exited:\n{self.log()}"
            assert time.monotonic() < deadline, f"assay serve did not start:\n{self.log()}"
            time.sleep(0.3)

    @property
    def url(self) -> str:
        """Where the server listens."""
        return f"http://127.0.0.1:{self.port}"

    def token(self) -> str:
        """The admin token that the first start printed."""
        return self._out.read_text().splitlines()[0]  # uvicorn's access log follows

    def alive(self) -> bool:
        """Whether the server process still runs."""
        return self.process is not None and self.process.poll() is None

    def kill(self) -> None:
        """SIGKILL the server's whole process group, as a crash or an OOM killer would."""
        assert self.process is not None
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self) -> None:
        """Stop the server if it runs: SIGTERM, then SIGKILL if it lingers."""
        if not self.alive():
            return
        assert self.process is not None
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.kill()

    def log(self) -> str:
        """What the server logged."""
        return self._log.read_text(encoding="utf-8", errors="replace")[-4000:]


@contextmanager
def running(server: Server) -> Iterator[Server]:
    """The server started, and stopped afterwards whatever happens."""
    try:
        server.start()
        yield server
    finally:
        server.stop()


def upload(server: Server, token: str, path: Path) -> httpx2.Response:
    """POST a file to the acme workspace."""
    with path.open("rb") as handle:
        return httpx2.post(f"{server.url}/workspaces/acme/documents",
                           headers={"Authorization": f"Bearer {token}"},
                           files={"file": (path.name, handle)}, timeout=WAIT * 2)


def api_view(server: Server, token: str) -> tuple[Any, Any]:
    """The workspace's document list and the search hits, as the API shows them."""
    headers = {"Authorization": f"Bearer {token}"}
    listed = httpx2.get(f"{server.url}/workspaces/acme/documents", headers=headers, timeout=WAIT)
    found = httpx2.get(f"{server.url}/workspaces/acme/search", headers=headers,
                       params={"q": QUESTION, "k": 3}, timeout=WAIT)
    assert listed.status_code == 200 and found.status_code == 200, (listed.text, found.text)
    return listed.json()["documents"], found.json()["results"]


def row_states(context: PipelineContext) -> list[str]:
    """The states of the acme workspace's document rows."""
    with context.sessions() as session:
        space = get_workspace(session, "acme")
        assert space is not None
        return [row.state for row in workspace_rows(session, space.id)]


def kill_mid_upload(server: Server, token: str, policy: Path, data_dir: Path) -> None:
    """Upload ``policy`` and SIGKILL the server once the ingest has stored vectors."""
    answers: list[object] = []

    def send() -> None:
        try:
            answers.append(upload(server, token, policy))
        except httpx2.HTTPError as error:  # the server died under the request
            answers.append(error)

    sender = threading.Thread(target=send, daemon=True)
    sender.start()
    deadline = time.monotonic() + WAIT
    while stored_records(data_dir) == 0 and sender.is_alive() and server.alive():
        assert time.monotonic() < deadline, "the upload stored no vector in time"
        time.sleep(0.05)
    assert sender.is_alive(), f"the upload finished before it could be killed: {answers}"
    server.kill()
    sender.join(WAIT)
    [answer] = answers
    assert isinstance(answer, httpx2.HTTPError), answer  # no answer came back


def test_sigkill_of_the_server_mid_upload_leaves_nothing_visible_and_the_upload_can_be_repeated(
    tmp_path: Path, db_url: str, real_embedder: LocalEmbedder
) -> None:
    data_dir = tmp_path / "data"
    env = {"ASSAY_DATA_DIR": str(data_dir), "ASSAY_DB__URL": db_url, "HOME": str(tmp_path),
           "PATH": "/usr/bin:/bin", "HF_HUB_OFFLINE": "1", "PYTHONPATH": str(REPO),
           "ASSAY_INGEST__LEASE_SECONDS": str(LEASE_SECONDS),
           "ASSAY_INGEST__RECONCILE_SECONDS": str(RECONCILE_SECONDS),
           "ASSAY_API__WARM_UP": "false"}
    policy = long_policy(tmp_path / "policy.md")
    with running(Server(env, tmp_path)) as first:
        token = first.token()
        created = httpx2.post(f"{first.url}/workspaces", json={"slug": "acme"},
                              headers={"Authorization": f"Bearer {token}"}, timeout=WAIT)
        assert created.status_code == 201, created.text
        kill_mid_upload(first, token, policy, data_dir)

    # below the API, with the server dead: a pending row and its vectors, none of them shown
    settings = Settings(data_dir=data_dir, db={"url": db_url},
                        ingest={"lease_seconds": LEASE_SECONDS})
    context = build_context(settings, real_embedder)
    assert row_states(context) == [PENDING]
    assert context.store.count("acme") > 0
    assert workspace_documents(context, "acme") == []
    assert search(context, "acme", QUESTION, 5) == []
    assert context.store.chunks("acme", visible=visible_documents(context, "acme")) == []

    with running(Server(env, tmp_path)) as second:
        assert api_view(second, token) == ([], [])  # pending or cleared: nothing shows
        deadline = time.monotonic() + LEASE_SECONDS + WAIT
        while row_states(context) or stored_records(data_dir) > 0:  # the reconcile clears it
            assert time.monotonic() < deadline, f"the reconcile left the upload:\n{second.log()}"
            time.sleep(0.5)

        again = upload(second, token, policy)
        assert again.status_code == 201, again.text
        assert again.json()["status"] == "indexed"
        assert again.json()["document"]["chunks"] > 50
        documents, hits = api_view(second, token)
        assert [document["document"] for document in documents] == ["policy.md"]
        assert {hit["document"] for hit in hits} == {"policy.md"}
