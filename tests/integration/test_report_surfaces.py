"""After an override, the CLI report, the API report and the dashboard show the same figures.

Organizational controls holds A.5.15 (proposed 2) and A.5.16 (proposed 3, overridden to
5): proposed mean 2.5, effective mean 3.5, one requirement reviewed.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from service.app import create_app
from service.cli import app as cli
from service.cli.serve import first_start
from service.components.catalog import build_registry
from service.components.embedding import FakeEmbedder
from service.composition import open_database
from service.domain.review import ReviewAction
from service.pipeline.review import ReviewDecision, review_proposal
from service.settings import Settings
from tests.api_helpers import auth
from tests.assessments import store_assessment
from tests.web_helpers import sign_in

pytestmark = pytest.mark.integration
THEME = "Organizational controls"
EXPECTED = {"requirements": 2, "reviewed": 1, "proposed_mean": 2.5, "effective_mean": 3.5}


@dataclass(frozen=True)
class Reviewed:
    settings: Settings
    admin_token: str
    assessment_id: str


@pytest.fixture
def reviewed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Reviewed:
    monkeypatch.setenv("ASSAY_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("ASSAY_EMBEDDING__MODE", "fake")
    settings = Settings(data_dir=tmp_path / "data")
    token = first_start(settings)
    assert token is not None
    sessions = open_database(settings)
    assessment_id = store_assessment(sessions, {"A.5.15": 2, "A.5.16": 3, "A.8.1": 1})
    decision = ReviewDecision(assessment_id, "A.5.16", ReviewAction.OVERRIDE, 5, "records show it")
    with sessions() as session:
        review_proposal(session, build_registry(settings), decision, actor="admin",
                        workspace="qa")
    return Reviewed(settings, token, assessment_id)


def test_the_cli_report_counts_the_override(reviewed: Reviewed) -> None:
    result = CliRunner().invoke(cli, ["report", reviewed.assessment_id, "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    [theme] = [t for t in report["themes"] if t["theme"] == THEME]
    assert {key: theme[key] for key in EXPECTED} == EXPECTED
    assert [g["ref_id"] for g in report["gaps"]] == []  # the test proposals record no gaps
    text = CliRunner().invoke(cli, ["report", reviewed.assessment_id], env={"COLUMNS": "200"})
    [row] = [line for line in text.stdout.splitlines() if THEME in line]
    assert re.findall(r"\d+(?:\.\d+)?", row)[:4] == ["2", "1", "2.50", "3.50"]


def test_the_api_report_counts_the_override(reviewed: Reviewed) -> None:
    app = create_app(reviewed.settings, embedder=FakeEmbedder())
    with TestClient(app) as client:
        response = client.get(f"/workspaces/qa/assessments/{reviewed.assessment_id}/report",
                              headers=auth(reviewed.admin_token))
    assert response.status_code == 200, response.text
    [theme] = [t for t in response.json()["themes"] if t["theme"] == THEME]
    assert {key: theme[key] for key in EXPECTED} == EXPECTED
    [standing] = [r for r in response.json()["requirements"] if r["ref_id"] == "A.5.16"]
    assert (standing["proposed_level"], standing["reviewed_level"],
            standing["effective_level"], standing["review_state"]) == (3, 5, 5, "overridden")


def test_the_dashboard_counts_the_override(reviewed: Reviewed) -> None:
    app = create_app(reviewed.settings, embedder=FakeEmbedder())
    with TestClient(app) as client:
        sign_in(client, reviewed.admin_token)
        page = client.get(f"/w/qa/assessments/{reviewed.assessment_id}/dashboard")
    assert page.status_code == 200, page.text
    cells = re.search(rf'<th scope="row">{THEME}</th>((?:<td class="num">[^<]*</td>\s*)+)',
                      page.text)
    assert cells is not None
    figures = re.findall(r'<td class="num">([^<]*)</td>', cells.group(1))
    assert figures[:4] == ["2", "1", "2.5", "3.5"]
