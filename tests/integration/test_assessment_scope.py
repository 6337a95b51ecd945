"""The scope statement: set when an assessment starts (CLI, API, UI), changed by an assessor
(audited, refused while signed), and shown by the report."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner, Result

from service.cli import app as cli
from service.cli.serve import first_start
from service.components.embedding import FakeEmbedder
from service.composition import Services
from service.domain.jobs import JobState
from service.pipeline.audit import list_events
from service.pipeline.storage import open_database
from service.pipeline.users import create_token
from service.settings import Settings
from tests.api_helpers import Api, api_settings
from tests.web_helpers import sign_in

pytestmark = pytest.mark.integration
SCOPE = "ISMS of the Berlin site: payroll IT and the QA laboratory"


def run(*args: str) -> Result:
    """One `assay` command in this process."""
    return CliRunner().invoke(cli, list(args))


def scope_events(settings: Settings) -> list[tuple[str, object, object]]:
    """(actor, before, after) of every scope change, oldest first."""
    with open_database(settings)() as session:
        return [(e.actor, e.before, e.after) for e in list_events(session, "qa", limit=1000)
                if e.action == "assessment.scope_changed"]


@pytest.fixture
def settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    monkeypatch.setenv("ASSAY_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("ASSAY_EMBEDDING__MODE", "fake")
    chosen = Settings(data_dir=tmp_path / "data")
    assert first_start(chosen) is not None
    return chosen


def test_cli_sets_the_scope_at_the_start_and_an_assessor_changes_it(
    settings: Settings, tmp_path: Path
) -> None:
    started = run("assess", "--framework", "iso27001-2022", "--requirement", "A.5.15",
                  "--workspace", "qa", "--scope", f"  {SCOPE}\n", "--json")
    assert started.exit_code == 0, started.output
    payload = json.loads(started.stdout)
    assert payload["scope"] == SCOPE  # trimmed
    assessment = payload["assessment_id"]
    shown = json.loads(run("assessments", "scope", assessment, "--json").stdout)
    assert shown == {"assessment_id": assessment, "scope": SCOPE}
    changed = run("assessments", "scope", assessment, "Payroll IT only", "--as", "admin",
                  "--json")
    assert changed.exit_code == 0, changed.output
    assert json.loads(changed.stdout)["scope"] == "Payroll IT only"
    report = json.loads(run("report", assessment, "--json").stdout)
    assert report["scope"] == "Payroll IT only"
    cleared = run("assessments", "scope", assessment, "--clear", "--json")
    assert json.loads(cleared.stdout)["scope"] is None
    assert scope_events(settings) == [
        ("admin", {"scope": SCOPE}, {"scope": "Payroll IT only"}),
        (scope_events(settings)[1][0], {"scope": "Payroll IT only"}, {"scope": None}),
    ]
    assert scope_events(settings)[1][0].startswith("cli:")
    too_long = run("assessments", "scope", assessment, "x" * 4001)
    assert too_long.exit_code == 2 and "at most 4000" in too_long.output
    both = run("assessments", "scope", assessment, "text", "--clear")
    assert both.exit_code == 2 and "not both" in both.output
    resumed = run("assess", "--framework", "iso27001-2022", "--workspace", "qa", "--resume",
                  assessment, "--scope", "other")
    assert resumed.exit_code == 2 and "keeps its scope" in resumed.output
    token_file = tmp_path / "token"
    with open_database(settings)() as session:
        token_file.write_text(create_token(session, "admin", actor="test").token)
    signed = run("signoff", assessment, "--meaning", "approved", "--as", "admin",
                 "--token-file", str(token_file))
    assert signed.exit_code == 0, signed.output
    locked = run("assessments", "scope", assessment, "after signing", "--as", "admin")
    assert locked.exit_code == 1 and "re-open" in locked.output
    assert run("assessments", "scope", "nope").exit_code == 1


def test_api_starts_with_a_scope_and_only_an_assessor_changes_it(tmp_path: Path) -> None:
    with Api(api_settings(tmp_path / "data"), FakeEmbedder()) as api:
        api.workspace("qa")
        viewer = api.member("vera", "qa", "viewer")
        assessor = api.member("axel", "qa", "assessor")
        job = api.ok("POST", "/workspaces/qa/assessments", assessor, status=202,
                     json={"framework": "iso27001-2022", "requirements": ["A.5.15"],
                           "scope": SCOPE})
        status = api.wait(job["id"], assessor)
        assert status["state"] == "done", status
        assessment = status["result"]
        url = f"/workspaces/qa/assessments/{assessment}"
        assert api.ok("GET", url, viewer)["scope"] == SCOPE
        assert api.ok("GET", url + "/report", viewer)["scope"] == SCOPE
        assert api.call("PUT", url + "/scope", viewer,
                        json={"scope": "viewers may not"}).status_code == 403
        assert api.ok("PUT", url + "/scope", assessor, json={"scope": " Payroll IT "}) == {
            "assessment_id": assessment, "scope": "Payroll IT"}
        assert api.ok("GET", url, viewer)["scope"] == "Payroll IT"
        too_long = api.call("PUT", url + "/scope", assessor, json={"scope": "x" * 4001})
        assert too_long.status_code == 422, too_long.text
        bad_start = api.call("POST", "/workspaces/qa/assessments", assessor,
                             json={"framework": "iso27001-2022", "scope": "x" * 4001})
        assert bad_start.status_code == 422, bad_start.text
        assert api.ok("PUT", url + "/scope", assessor, json={"scope": None})["scope"] is None
        missing = api.call("PUT", "/workspaces/qa/assessments/nope/scope", assessor,
                           json={"scope": "x"})
        assert missing.status_code == 404
        assert [(actor, after) for actor, _before, after in scope_events(api.settings)] == [
            ("axel", {"scope": "Payroll IT"}), ("axel", {"scope": None})]


def test_ui_start_form_takes_a_scope_and_the_header_edits_it(
    web: tuple[TestClient, dict[str, str]],
) -> None:
    client, tokens = web
    services: Services = client.app.state.services  # type: ignore[attr-defined]
    csrf = sign_in(client, tokens["axel"])
    assert 'name="scope"' in client.get("/w/qa/assessments").text
    started = client.post("/w/qa/assessments", follow_redirects=False, data={
        "csrf_token": csrf, "framework": "iso27001-2022", "requirements": "A.5.15",
        "scope": SCOPE})
    assert started.status_code == 303, started.text
    job_id = started.headers["location"].rsplit("/", 1)[-1]
    deadline = time.monotonic() + 120
    while (status := services.jobs.status(job_id)).state in (JobState.QUEUED, JobState.RUNNING):
        assert time.monotonic() < deadline, status
        time.sleep(0.2)
    assert status.state == JobState.DONE and status.result, status
    url = f"/w/qa/assessments/{status.result}"
    assert re.search(r'id="scope-text">' + re.escape(SCOPE) + "<", client.get(url).text)
    saved = client.post(url + "/scope", follow_redirects=False,
                        data={"csrf_token": csrf, "scope": "Payroll IT only"})
    assert saved.status_code == 303
    assert 'id="scope-text">Payroll IT only<' in client.get(url).text
    csrf_viewer = sign_in(client, tokens["vera"])
    viewer_page = client.get(url).text
    assert "Payroll IT only" in viewer_page and "Edit the scope" not in viewer_page
    refused = client.post(url + "/scope", follow_redirects=False,
                          data={"csrf_token": csrf_viewer, "scope": "not mine"})
    assert refused.status_code == 403
    with services.context.sessions() as session:
        changes = [(e.actor, e.after) for e in list_events(session, "qa", limit=1000)
                   if e.action == "assessment.scope_changed"]
    assert changes == [("axel", {"scope": "Payroll IT only"})]
