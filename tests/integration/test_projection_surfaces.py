"""`assay project --json` and `POST .../projections` (a job) give the contract's shape and agree."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from service.app import create_app
from service.cli import app as cli
from service.cli.serve import first_start
from service.components.catalog import build_registry
from service.components.embedding import FakeEmbedder
from service.composition import Services
from service.domain.jobs import JobState, JobStatus
from service.domain.review import ReviewAction
from service.pipeline.review import ReviewDecision, review_proposal
from service.pipeline.storage import open_database
from service.settings import Settings
from tests.api_helpers import auth
from tests.assessments import store_assessment
from tests.web_helpers import sign_in

pytestmark = pytest.mark.integration
RESULT_KEYS = {"ref_id", "title", "level", "status", "carried_from", "evidence_check"}
SOURCE_KEYS = {"framework", "ref_id", "relationship", "level", "reviewed"}


@pytest.fixture
def source(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Settings, str, str]:
    monkeypatch.setenv("ASSAY_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("ASSAY_EMBEDDING__MODE", "fake")
    settings = Settings(data_dir=tmp_path / "data")
    token = first_start(settings)
    assert token is not None
    sessions = open_database(settings)
    assessment_id = store_assessment(sessions, {"A.8.13": 2, "A.5.15": 3})
    decision = ReviewDecision(assessment_id, "A.8.13", ReviewAction.OVERRIDE, 4, "restores")
    with sessions() as session:
        review_proposal(session, build_registry(settings), decision, actor="admin",
                        workspace="qa")
    return settings, token, assessment_id


def _finished(services: Services, job_id: str) -> JobStatus:
    deadline = time.monotonic() + 300
    while (status := services.jobs.status(job_id)).state in (JobState.QUEUED, JobState.RUNNING):
        assert time.monotonic() < deadline, status
        time.sleep(0.1)
    return status


def test_cli_and_api_project_alike(source: tuple[Settings, str, str]) -> None:
    settings, token, assessment_id = source
    result = CliRunner().invoke(cli, ["project", assessment_id, "--to", "nist-csf-2.0",
                                      "--json"])
    assert result.exit_code == 0, result.output
    printed = json.loads(result.stdout)
    assert printed["source_assessment_id"] == assessment_id
    assert printed["framework"] == "nist-csf-2.0"
    rows = {r["ref_id"]: r for r in printed["results"]}
    assert all(set(r) >= RESULT_KEYS for r in rows.values())
    [origin] = rows["PR.DS-11"]["carried_from"]
    assert set(origin) >= SOURCE_KEYS
    assert (origin["ref_id"], origin["level"], origin["reviewed"]) == ("A.8.13", 4, True)
    assert rows["GV.PO-01"]["status"] == "not_carried" and rows["GV.PO-01"]["level"] is None
    with TestClient(create_app(settings, embedder=FakeEmbedder())) as client:
        url = f"/workspaces/qa/assessments/{assessment_id}/projections"
        response = client.post(url, json={"to": "nist-csf-2.0"}, headers=auth(token))
        assert response.status_code == 202, response.text
        job = _finished(client.app.state.services, response.json()["id"])  # type: ignore[attr-defined]
        assert (job.state, job.name) == (JobState.DONE, "projection"), job
        shown = client.get(f"/jobs/{job.id}", headers=auth(token)).json()
        assert (shown["state"], shown["result"]) == ("done", job.result)
        body = client.get(f"/workspaces/qa/assessments/{job.result}/projection",
                          headers=auth(token)).json()
        assert body["assessment_id"] == job.result
        assert {r["ref_id"]: r["level"] for r in body["results"]} == {
            ref: r["level"] for ref, r in rows.items()}
        report = client.get(f"/workspaces/qa/assessments/{body['assessment_id']}/report",
                            headers=auth(token)).json()
        [backups] = [r for r in report["requirements"] if r["ref_id"] == "PR.DS-11"]
        assert backups["projection"]["carried_from"][0]["crosswalk"].endswith("nist-csf-2.0.yaml")
        bad = client.post(url, json={"to": "no-such-framework"}, headers=auth(token))
        assert bad.status_code == 404, bad.text
        same = client.post(url, json={"to": "iso27001-2022"}, headers=auth(token))
        assert same.status_code == 422 and "already of" in same.text
    bad_cli = CliRunner().invoke(cli, ["project", assessment_id, "--to", "gmp-21cfr211"])
    assert bad_cli.exit_code == 2 and "no crosswalk links" in bad_cli.output


def test_the_ui_projects_and_shows_the_coverage(source: tuple[Settings, str, str]) -> None:
    settings, token, assessment_id = source
    with TestClient(create_app(settings, embedder=FakeEmbedder())) as client:
        csrf = sign_in(client, token)
        base = f"/w/qa/assessments/{assessment_id}"
        form = client.get(f"{base}/project")
        assert form.status_code == 200 and 'value="nist-csf-2.0"' in form.text
        started = client.post(f"{base}/projections",
                              data={"to": "nist-csf-2.0", "csrf_token": csrf},
                              follow_redirects=False)
        assert started.status_code == 303, started.text
        job_page = started.headers["location"]
        assert "Projection in progress" in client.get(job_page).text
        services: Services = client.app.state.services  # type: ignore[attr-defined]
        job = _finished(services, job_page.rsplit("/", 1)[-1])
        assert job.state == JobState.DONE, job
        panel = client.get(job_page, headers={"hx-request": "true"}).text
        link = f"/w/qa/assessments/{job.result}/coverage"
        assert f'href="{link}"' in panel
        coverage = client.get(link)
        assert coverage.status_code == 200
        assert "Coverage by theme" in coverage.text and "PR.DS-11" in coverage.text
        assert "iso27001-2022 A.8.13 (equal, level 4, reviewed: overridden" in coverage.text
        review = client.get(link.removesuffix("/coverage"))
        assert ">Coverage</a>" in review.text
        assert "Assess the rest directly" in coverage.text
        projected = job.result
        rest = client.post("/w/qa/assessments", follow_redirects=False, data={
            "csrf_token": csrf, "framework": "nist-csf-2.0", "resume": projected})
        assert rest.status_code == 303, rest.text
        job_id = rest.headers["location"].rsplit("/", 1)[-1]
        deadline = time.monotonic() + 300
        while (status := services.jobs.status(job_id)).state in (JobState.QUEUED,
                                                                 JobState.RUNNING):
            assert time.monotonic() < deadline, status
            time.sleep(0.2)
        assert (status.state, status.result) == (JobState.DONE, projected), status
        filled = client.get(link).text
        assert "Assess the rest directly" not in filled  # nothing remains
        assert "iso27001-2022 A.8.13 (equal, level 4, reviewed: overridden" in filled
