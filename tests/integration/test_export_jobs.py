"""Exports as jobs: started by the API and the page, the file stored, access-checked, swept.

Threads mode here (the job runs in the app's process); `test_scale_out.py` runs the same
jobs in a real `assay worker` on Redis.
"""

from __future__ import annotations

import io
import os
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from service.app import create_app
from service.components.embedding import FakeEmbedder
from service.composition import Services
from service.pipeline.export_jobs import EXPORTS, sweep_exports
from tests.api_helpers import auth
from tests.exports import exportable_assessment
from tests.web_helpers import sign_in

pytestmark = pytest.mark.integration


def _wait(client: TestClient, job_id: str, token: str) -> dict[str, object]:
    deadline = time.monotonic() + 120
    while True:
        status: dict[str, object] = client.get(f"/jobs/{job_id}", headers=auth(token)).json()
        if status["state"] not in ("queued", "running"):
            return status
        assert time.monotonic() < deadline, status
        time.sleep(0.1)


def test_an_export_job_makes_a_file_for_the_workspace_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seeded = exportable_assessment(tmp_path, monkeypatch)
    admin = auth(seeded.admin_token)
    base = f"/workspaces/qa/assessments/{seeded.assessment_id}"
    with TestClient(create_app(seeded.settings, embedder=FakeEmbedder())) as client:
        pdf_in_request = client.get(f"{base}/export", params={"format": "pdf"}, headers=admin)
        assert pdf_in_request.status_code == 422 and "/exports" in pdf_in_request.text
        started = client.post(f"{base}/exports", json={"format": "xlsx"}, headers=admin)
        assert started.status_code == 202, started.text
        job = started.json()
        assert (job["name"], job["workspace"]) == ("export", "qa")
        done = _wait(client, job["id"], seeded.admin_token)
        assert (done["state"], done["percent"]) == ("done", 100.0), done
        file = client.get(f"/jobs/{job['id']}/file", headers=admin)
        assert file.status_code == 200, file.text
        assert f"assessment-{seeded.assessment_id}-xlsx.xlsx" in file.headers[
            "content-disposition"]
        book = load_workbook(io.BytesIO(file.content))
        assert book.sheetnames == ["Summary", "Requirements", "Gaps"]

        # an outsider (a user of another workspace) learns nothing of the job or its file
        client.post("/workspaces", json={"slug": "other"}, headers=admin)
        client.post("/users", json={"name": "olga"}, headers=admin)
        client.put("/workspaces/other/members/olga", json={"role": "assessor"}, headers=admin)
        olga = client.post("/users/olga/tokens", headers=admin).json()["token"]
        assert client.get(f"/jobs/{job['id']}/file", headers=auth(olga)).status_code == 404
        assert client.get(f"/jobs/{job['id']}", headers=auth(olga)).status_code == 404
        assert client.post(f"{base}/exports", json={"format": "csv"},
                           headers=auth(olga)).status_code == 404
        assert client.post("/workspaces/qa/assessments/nope/exports", json={"format": "csv"},
                           headers=admin).status_code == 404

        # a job that is not an export has no file
        services: Services = client.app.state.services  # type: ignore[attr-defined]
        projection = client.post(f"{base}/projections", json={"to": "nist-csf-2.0"},
                                 headers=admin).json()
        _wait(client, projection["id"], seeded.admin_token)
        assert client.get(f"/jobs/{projection['id']}/file", headers=admin).status_code == 404

        # past the retention period the file is swept, and the download says so
        stored = [p for p in (seeded.settings.data_dir / EXPORTS).rglob("*") if p.is_file()]
        assert len(stored) == 1 and stored[0].suffix == ".xlsx"
        retention = services.settings.jobs.export_retention_hours * 3600
        assert sweep_exports(services.settings) == 0  # fresh: kept
        old = time.time() - retention - 60
        os.utime(stored[0], (old, old))
        assert sweep_exports(services.settings) == 1
        gone = client.get(f"/jobs/{job['id']}/file", headers=admin)
        assert gone.status_code == 404 and "export again" in gone.text


def test_the_page_exports_a_pdf_as_a_job_with_progress(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seeded = exportable_assessment(tmp_path, monkeypatch)
    with TestClient(create_app(seeded.settings, embedder=FakeEmbedder())) as client:
        csrf = sign_in(client, seeded.admin_token)
        base = f"/w/qa/assessments/{seeded.assessment_id}"
        assert 'name="format" value="pdf"' in client.get(base).text
        assert client.get(f"{base}/export/pdf").status_code == 422  # not in the request
        started = client.post(f"{base}/exports", data={"format": "pdf", "csrf_token": csrf},
                              follow_redirects=False)
        assert started.status_code == 303, started.text
        job_page = started.headers["location"]
        assert "Export in progress" in client.get(job_page).text
        job_id = job_page.rsplit("/", 1)[-1]
        assert _wait(client, job_id, seeded.admin_token)["state"] == "done"
        panel = client.get(job_page, headers={"hx-request": "true"}).text
        link = f"/w/qa/jobs/{job_id}/file"
        assert f'href="{link}"' in panel and "Download the file" in panel
        pdf = client.get(link)
        assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
        assert client.get(f"/w/other/jobs/{job_id}/file").status_code in (403, 404)
        forged = client.post(f"{base}/exports", data={"format": "pdf"}, follow_redirects=False)
        assert forged.status_code in (400, 403)  # no CSRF token
