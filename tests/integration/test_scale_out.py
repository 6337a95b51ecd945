"""Scale-out on real services: PostgreSQL, Redis, a `chroma run` server and `assay worker`.

The API runs here (in celery mode it only records and queues jobs); every job (uploads,
assessments, exports, projections) runs in a real worker process. The LLM is the scripted
one (``ASSAY_LLM__MODE=fake``): these tests are about where and how often work runs, not
about scores.
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
# long enough to be cancelled or to see Redis stop mid-way on a busy 2-core machine
LONGER = [f"A.5.{n}" for n in range(1, 13)]
LEASE_SECONDS = 3
VISIBILITY_SECONDS = 20
RESUME_BOUND_SECONDS = 120  # the bound: a worker available takes the job over in 2 min
# the whole-framework kill run: the fastest settings that still run the real worker (one
# small document, template rationales so no follow-on job)
FAST = {"ASSAY_SCORING__RATIONALE": "template"}


@dataclass
class Cluster:
    """The API (in this process), its worker process and the services they share."""

    api: Api
    worker: Worker


def _env(data_dir: Path, db_url: str, broker: str, chroma_port: int,
         extra: dict[str, str]) -> dict[str, str]:
    return extra | {
        "ASSAY_DATA_DIR": str(data_dir), "ASSAY_DB__URL": db_url,
        "ASSAY_VECTORSTORE__MODE": "http", "ASSAY_VECTORSTORE__HOST": "127.0.0.1",
        "ASSAY_VECTORSTORE__PORT": str(chroma_port), "ASSAY_JOBS__MODE": "celery",
        "ASSAY_JOBS__BROKER_URL": broker, "ASSAY_JOBS__WORKERS": "1",
        "ASSAY_JOBS__LEASE_SECONDS": str(LEASE_SECONDS),
        "ASSAY_JOBS__VISIBILITY_TIMEOUT": str(VISIBILITY_SECONDS),
        "ASSAY_LLM__MODE": "fake",
    }


@contextmanager
def running(tmp_path: Path, embedder: CachingEmbedder, broker: str,
            extra: dict[str, str] | None = None) -> Iterator[Cluster]:
    """A PostgreSQL schema, a Chroma server, a worker on ``broker``, and the API.

    ``extra`` are settings (environment variables) of the worker.
    """
    data_dir = tmp_path / "data"
    db_urls = postgres_schema_url()
    db_url = next(db_urls)
    with chroma_server(tmp_path / "chroma") as port:
        worker = Worker(_env(data_dir, db_url, broker, port, extra or {}),
                        tmp_path / "worker.log")
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


def _export(cluster: Cluster, token: str, base: str, fmt: str) -> bytes:
    job = cluster.api.ok("POST", f"{base}/exports", token, status=202, json={"format": fmt})
    assert job["name"] == "export"
    _done(cluster, job)
    file = cluster.api.call("GET", f"/jobs/{job['id']}/file", token)
    assert file.status_code == 200, file.text
    return file.content


def test_upload_assess_review_export_project_through_a_worker(cluster: Cluster) -> None:
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
    api.ok("POST", f"{base}/proposals/A.5.15/review", reviewer, status=201,
           json={"action": "accept"})
    api.ok("POST", f"{base}/proposals/A.8.13/review", reviewer, status=201,
           json={"action": "override", "level": 3, "comment": "restore tests are logged"})

    # exports are made by the worker, stored in the shared data dir, downloaded by the API
    csv_text = _export(cluster, reviewer, base, "csv").decode("utf-8-sig")
    assert all(ref in csv_text for ref in SUBSET)
    assert _export(cluster, reviewer, base, "pdf").startswith(b"%PDF")

    # so is a projection: a new NIST CSF assessment carried from the reviewed one
    job = api.ok("POST", f"{base}/projections", assessor, status=202,
                 json={"to": "nist-csf-2.0"})
    projected = _done(cluster, job)["result"]
    projection = api.ok("GET", f"/workspaces/qa/assessments/{projected}/projection", reviewer)
    assert (projection["source_assessment_id"], projection["framework"]) == (
        assessment, "nist-csf-2.0")
    carried = {r["ref_id"]: r for r in projection["results"] if r["status"] != "not_carried"}
    assert carried["PR.DS-11"]["level"] == 3, carried.get("PR.DS-11")
    events = api.ok("GET", "/audit", params={"workspace": "qa", "limit": 1000})["events"]
    actions = [e["action"] for e in events if e["target"].endswith(f"assessment:{projected}")]
    assert actions == ["projection.started", "projection.completed"], actions

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


def test_a_worker_killed_mid_framework_is_replaced_and_each_requirement_proposed_once(
    tmp_path: Path, cached_embedder: CachingEmbedder
) -> None:
    """SIGKILL (process group) mid-way through all of ISO 27001; a new worker finishes it."""
    with redis_database() as broker, running(tmp_path, cached_embedder, broker,
                                             FAST) as cluster:
        api = cluster.api
        api.workspace("qa")
        _upload(cluster, api.admin, "access_control_policy.docx")
        every = [r.ref_id for r in api.services.registry.assessable(FRAMEWORK)]
        assert len(every) == 123
        begun = time.monotonic()
        job = _assess(cluster, api.admin, [])  # the whole framework
        deadline = time.monotonic() + 900
        while (status := api.ok("GET", f"/jobs/{job['id']}"))["percent"] < 10.0:
            assert status["state"] in ("queued", "running"), (status, cluster.worker.log())
            assert time.monotonic() < deadline, cluster.worker.log()
            time.sleep(0.05)
        cluster.worker.kill()
        killed_at = api.ok("GET", f"/jobs/{job['id']}")
        assert killed_at["state"] == "running" and killed_at["percent"] < 100.0, killed_at

        restarted = time.monotonic()
        cluster.worker.start()  # a new worker; the API process reaped the lapsed lease
        cluster.worker.wait_ready()  # it loads its models first
        ready = time.monotonic()
        while (status := api.ok("GET", f"/jobs/{job['id']}"))["percent"] <= killed_at[
                "percent"] and status["state"] in ("queued", "running"):
            assert time.monotonic() - ready < RESUME_BOUND_SECONDS, (
                status, cluster.worker.log())
            time.sleep(0.1)
        resumed = time.monotonic()
        done = api.wait(job["id"], timeout=1800)
        assert done["state"] == "done", (done, cluster.worker.log())
        proposals = api.ok("GET", f"/workspaces/qa/assessments/{done['result']}/proposals")
        refs = [p["ref_id"] for p in proposals["proposals"]]
        assert len(refs) == 123 and sorted(refs) == sorted(every)  # each proposed once
        events = api.ok("GET", "/audit", params={"workspace": "qa", "limit": 1000})["events"]
        runs = [e["action"] for e in events
                if e["target"].endswith(f"assessment:{done['result']}")]
        assert runs[:1] == ["assessment.started"] and "assessment.resumed" in runs, runs
        assert runs[-1] == "assessment.completed", runs
        print(f"\nkilled at {killed_at['percent']:.0f} %; the new worker was ready "
              f"{ready - restarted:.0f} s after it was started and went on with the job "
              f"{resumed - ready:.0f} s later; 123/123 done "
              f"{time.monotonic() - begun:.0f} s after the assessment was queued")


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
