"""Scale-out on real services: PostgreSQL, Redis, a `chroma run` server and `assay worker`.

The API runs here (in celery mode it only records and queues jobs); every job runs in a
real worker process. The LLM is the scripted one: these tests are about where and how
often work runs, not about scores.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.api_helpers import Api, api_settings
from tests.conftest import SAMPLES, CachingEmbedder
from tests.databases import postgres_schema_url
from tests.real_services import PrivateRedis, Worker, chroma_server, redis_database

pytestmark = [pytest.mark.integration, pytest.mark.postgres]
FRAMEWORK = "iso27001-2022"
SUBSET = ["A.5.15", "A.5.18", "A.8.13"]
# long enough to be killed or cancelled mid-way on a busy 2-core machine, short enough to
# finish in a test: a whole-framework run there takes many minutes (bench/assess.py)
LONGER = [f"A.5.{n}" for n in range(1, 13)]
LEASE_SECONDS = 3
VISIBILITY_SECONDS = 20


@dataclass
class Cluster:
    """The API (in this process), its worker process and the services they share."""

    api: Api
    worker: Worker


def _env(data_dir: Path, db_url: str, broker: str, chroma_port: int) -> dict[str, str]:
    return {
        "ASSAY_DATA_DIR": str(data_dir), "ASSAY_DB__URL": db_url,
        "ASSAY_VECTORSTORE__MODE": "http", "ASSAY_VECTORSTORE__HOST": "127.0.0.1",
        "ASSAY_VECTORSTORE__PORT": str(chroma_port), "ASSAY_JOBS__MODE": "celery",
        "ASSAY_JOBS__BROKER_URL": broker, "ASSAY_JOBS__WORKERS": "1",
        "ASSAY_JOBS__LEASE_SECONDS": str(LEASE_SECONDS),
        "ASSAY_JOBS__VISIBILITY_TIMEOUT": str(VISIBILITY_SECONDS),
        "ASSAY_LLM__MODE": "fake",
    }


@contextmanager
def running(tmp_path: Path, embedder: CachingEmbedder, broker: str) -> Iterator[Cluster]:
    """A PostgreSQL schema, a Chroma server, a worker on ``broker``, and the API."""
    data_dir = tmp_path / "data"
    db_urls = postgres_schema_url()
    db_url = next(db_urls)
    with chroma_server(tmp_path / "chroma") as port:
        worker = Worker(_env(data_dir, db_url, broker, port), tmp_path / "worker.log")
        settings = api_settings(
            data_dir, db_url, vectorstore={"mode": "http", "host": "127.0.0.1", "port": port},
            jobs={"mode": "celery", "broker_url": broker, "lease_seconds": LEASE_SECONDS,
                  "visibility_timeout": VISIBILITY_SECONDS},
            api={"background_upload_bytes": 1},  # every upload is ingested by the worker
        )
        worker.start()
        try:
            with Api(settings, embedder) as api:
                yield Cluster(api, worker)
        finally:
            worker.stop()
    next(db_urls, None)


@pytest.fixture
def cluster(tmp_path: Path, cached_embedder: CachingEmbedder) -> Iterator[Cluster]:
    with redis_database() as broker, running(tmp_path, cached_embedder, broker) as started:
        yield started


def _done(cluster: Cluster, job: dict[str, Any]) -> dict[str, Any]:
    status = cluster.api.wait(job["id"])
    assert status["state"] == "done", (status, cluster.worker.log())
    return status


def _upload(cluster: Cluster, token: str, name: str) -> None:
    response = cluster.api.upload("qa", SAMPLES / name, token)
    assert response.status_code == 202, response.text  # a job, for the worker
    assert _done(cluster, response.json())["result"]


def _assess(cluster: Cluster, token: str, refs: list[str]) -> dict[str, Any]:
    job: dict[str, Any] = cluster.api.ok("POST", "/workspaces/qa/assessments", token,
                                         status=202, json={"framework": FRAMEWORK,
                                                           "requirements": refs})
    return job


def test_upload_assess_review_export_through_a_worker(cluster: Cluster) -> None:
    api = cluster.api
    api.workspace("qa")
    assessor = api.member("axel", "qa", "assessor")
    reviewer = api.member("rita", "qa", "reviewer")
    for name in ("access_control_policy.docx", "access_review_minutes_2026_q3.docx"):
        _upload(cluster, assessor, name)
    documents = api.ok("GET", "/workspaces/qa/documents", reviewer)["documents"]
    assert len(documents) == 2 and all(d["chunks"] > 0 for d in documents)

    done = _done(cluster, _assess(cluster, assessor, SUBSET))
    assert (done["percent"], done["current"] in SUBSET) == (100.0, True)
    assessment = done["result"]
    base = f"/workspaces/qa/assessments/{assessment}"
    proposals = api.ok("GET", f"{base}/proposals", reviewer)["proposals"]
    assert sorted(p["ref_id"] for p in proposals) == sorted(SUBSET)
    api.ok("POST", f"{base}/proposals/{proposals[0]['ref_id']}/review", reviewer, status=201,
           json={"action": "accept"})
    exported = api.call("GET", f"{base}/export", reviewer, params={"format": "csv"})
    assert exported.status_code == 200, exported.text
    assert all(ref in exported.text for ref in SUBSET)

    # cancel through the worker, after its first steps
    long_job = _assess(cluster, assessor, LONGER)
    deadline = time.monotonic() + 300
    while api.ok("GET", f"/jobs/{long_job['id']}")["percent"] <= 0:
        assert time.monotonic() < deadline, cluster.worker.log()
        time.sleep(0.1)
    assert api.ok("DELETE", f"/jobs/{long_job['id']}", assessor)["cancel_requested"]
    stopped = api.wait(long_job["id"])
    assert stopped["state"] == "cancelled", stopped
    assert stopped["percent"] < 100.0


def test_a_worker_killed_mid_assessment_is_replaced_and_each_requirement_proposed_once(
    cluster: Cluster,
) -> None:
    api = cluster.api
    api.workspace("qa")
    for name in ("access_control_policy.docx", "backup_restore_test_log_2026.csv"):
        _upload(cluster, api.admin, name)
    job = _assess(cluster, api.admin, LONGER)
    deadline = time.monotonic() + 600
    while (status := api.ok("GET", f"/jobs/{job['id']}"))["percent"] < 10.0:
        assert status["state"] in ("queued", "running"), (status, cluster.worker.log())
        assert time.monotonic() < deadline, cluster.worker.log()
        time.sleep(0.05)
    cluster.worker.kill()
    killed_at = api.ok("GET", f"/jobs/{job['id']}")
    assert killed_at["state"] == "running" and killed_at["percent"] < 100.0, killed_at

    cluster.worker.start()  # a new worker finishes it; the API process reaped the lapsed lease
    done = cluster.api.wait(job["id"], timeout=900)
    assert done["state"] == "done", (done, cluster.worker.log())
    proposals = api.ok("GET", f"/workspaces/qa/assessments/{done['result']}/proposals")
    refs = [p["ref_id"] for p in proposals["proposals"]]
    assert sorted(refs) == sorted(LONGER)  # each requirement proposed once
    events = api.ok("GET", "/audit", params={"workspace": "qa", "limit": 1000})["events"]
    runs = [e["action"] for e in events if e["target"].endswith(f"assessment:{done['result']}")]
    assert runs[:1] == ["assessment.started"] and "assessment.resumed" in runs, runs
    assert runs[-1] == "assessment.completed", runs


def test_a_redis_outage_during_an_assessment_loses_nothing(
    tmp_path: Path, cached_embedder: CachingEmbedder
) -> None:
    redis = PrivateRedis(tmp_path / "redis")
    redis.start()
    try:
        with running(tmp_path, cached_embedder, redis.url) as cluster:
            api = cluster.api
            api.workspace("qa")
            _upload(cluster, api.admin, "access_control_policy.docx")
            job = _assess(cluster, api.admin, LONGER)
            deadline = time.monotonic() + 600
            while api.ok("GET", f"/jobs/{job['id']}")["percent"] < 10.0:
                assert time.monotonic() < deadline, cluster.worker.log()
                time.sleep(0.05)
            redis.stop()
            time.sleep(5)
            during = api.ok("GET", f"/jobs/{job['id']}")  # the database still answers
            redis.start()
            done = api.wait(job["id"], timeout=900)
            assert done["state"] == "done", (during, done, cluster.worker.log())
            proposals = api.ok("GET", f"/workspaces/qa/assessments/{done['result']}/proposals")
            assert sorted(p["ref_id"] for p in proposals["proposals"]) == sorted(LONGER)
            after = _done(cluster, _assess(cluster, api.admin, SUBSET))  # jobs flow again
            assert after["result"] != done["result"]
    finally:
        redis.stop()
