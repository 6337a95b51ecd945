"""SIGKILL an `assay ingest` mid-ingest: nothing half-written shows, the reconcile clears it,
and the same ingest then succeeds (SQLite and PostgreSQL, real Chroma and model)."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from service.components.embedding import LocalEmbedder
from service.composition import build_context
from service.db.documents import workspace_rows
from service.db.tables import PENDING
from service.db.workspaces import get_workspace
from service.pipeline.documents import workspace_documents
from service.pipeline.ingest_reconcile import reconcile
from service.pipeline.search import search
from service.pipeline.visible import visible_documents
from service.settings import Settings

pytestmark = pytest.mark.integration
pytest_plugins = ["tests.databases"]
REPO = Path(__file__).resolve().parents[2]
# `assay` from this tree's code (PYTHONPATH), whatever the venv installed
ASSAY = [sys.executable, "-c", "from service.cli import main; main()"]
LEASE_SECONDS = 3
WAIT = 240.0
TOPICS = ["backups", "access reviews", "patching", "incident response", "encryption",
          "supplier audits", "logging", "training", "change management", "asset inventory"]


def long_policy(path: Path, sections: int = 150) -> Path:
    """A policy long enough that embedding it takes a while (a few hundred chunks)."""
    parts = []
    for n in range(sections):
        topic = TOPICS[n % len(TOPICS)]
        parts.append(f"## Control {n}: {topic}\n\n"
                     f"The {topic} procedure number {n} is owned by team {n % 17}. "
                     f"It is reviewed every {n % 12 + 1} months and the review is recorded. "
                     f"Exceptions to rule {n} need the approval of the security officer. "
                     f"Evidence of {topic} is kept for {n % 7 + 1} years in the archive.\n")
    path.write_text("# Security policy\n\n" + "\n".join(parts))
    return path


def stored_records(data_dir: Path) -> int:
    """How many records Chroma holds, read from its SQLite file without opening Chroma."""
    try:
        with sqlite3.connect(f"file:{data_dir / 'chroma' / 'chroma.sqlite3'}?mode=ro",
                             uri=True, timeout=1) as db:
            return int(db.execute("SELECT count(*) FROM embeddings").fetchone()[0])
    except sqlite3.Error:
        return 0


def test_sigkill_mid_ingest_leaves_nothing_visible_and_the_ingest_can_be_repeated(
    tmp_path: Path, db_url: str, real_embedder: LocalEmbedder
) -> None:
    data_dir = tmp_path / "data"
    env = {"ASSAY_DATA_DIR": str(data_dir), "ASSAY_DB__URL": db_url, "HOME": str(tmp_path),
           "PATH": "/usr/bin:/bin", "HF_HUB_OFFLINE": "1",
           "ASSAY_INGEST__LEASE_SECONDS": str(LEASE_SECONDS), "PYTHONPATH": str(REPO)}
    policy = long_policy(tmp_path / "policy.md")
    ingest = [*ASSAY, "ingest", str(policy), "--workspace", "acme", "--json"]
    process = subprocess.Popen(ingest, env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + WAIT
        while stored_records(data_dir) == 0 and process.poll() is None:
            assert time.monotonic() < deadline, "the ingest stored no vector in time"
            time.sleep(0.05)
        assert process.poll() is None, "the ingest finished before it could be killed"
        os.kill(process.pid, signal.SIGKILL)
    finally:
        process.kill()
        process.wait(30)

    settings = Settings(data_dir=data_dir, db={"url": db_url},
                        ingest={"lease_seconds": LEASE_SECONDS})
    context = build_context(settings, real_embedder)
    with context.sessions() as session:
        space = get_workspace(session, "acme")
        assert space is not None
        assert [row.state for row in workspace_rows(session, space.id)] == [PENDING]
    assert context.store.count("acme") > 0  # vectors were written before the kill ...
    assert workspace_documents(context, "acme") == []  # ... and none of them shows
    assert search(context, "acme", "how often are backups reviewed", 5) == []
    visible = visible_documents(context, "acme")  # what retrieval and assessments read
    assert context.store.chunks("acme", visible=visible) == []

    time.sleep(LEASE_SECONDS + 1)  # the dead process's lease runs out
    done = reconcile(context)
    assert done.pending_removed == 1
    assert context.store.count("acme") == 0
    with context.sessions() as session:
        space = get_workspace(session, "acme")
        assert space is not None and list(workspace_rows(session, space.id)) == []

    again = subprocess.run(ingest, env=env, capture_output=True, text=True, timeout=WAIT * 2)
    assert again.returncode == 0, again.stderr
    [outcome] = json.loads(again.stdout)["documents"]
    assert outcome["status"] == "indexed" and outcome["chunks"] > 50
    found = subprocess.run([*ASSAY, "search", "how often are backups reviewed", "-k", "3",
                            "--workspace", "acme", "--json"],
                           env=env, capture_output=True, text=True, timeout=WAIT)
    assert found.returncode == 0, found.stderr
    assert {hit["document"] for hit in json.loads(found.stdout)["results"]} == {"policy.md"}
