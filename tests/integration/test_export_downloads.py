"""The API and the assessment page offer the exports as downloads."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from service.app import create_app
from service.components.embedding import FakeEmbedder
from tests.api_helpers import auth
from tests.exports import exportable_assessment
from tests.web_helpers import sign_in

pytestmark = pytest.mark.integration


def test_api_and_page_download_exports(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seeded = exportable_assessment(tmp_path, monkeypatch)
    base = f"/workspaces/qa/assessments/{seeded.assessment_id}/export"
    with TestClient(create_app(seeded.settings, embedder=FakeEmbedder())) as client:
        xlsx = client.get(base, params={"format": "xlsx"}, headers=auth(seeded.admin_token))
        assert xlsx.status_code == 200, xlsx.text
        assert "attachment" in xlsx.headers["content-disposition"]
        book = load_workbook(io.BytesIO(xlsx.content))
        assert book.sheetnames == ["Summary", "Requirements", "Gaps"]
        bad = client.get(base, params={"format": "doc"}, headers=auth(seeded.admin_token))
        assert bad.status_code == 422
        assert client.get(base, params={"format": "csv"}).status_code == 401
        other = client.get("/workspaces/qa/assessments/nope/export",
                           headers=auth(seeded.admin_token))
        assert other.status_code == 404
        sign_in(client, seeded.admin_token)
        page = client.get(f"/w/qa/assessments/{seeded.assessment_id}")
        assert page.status_code == 200
        assert 'name="format" value="csv"' in page.text
        assert "Statement of Applicability" in page.text
        download = client.get(f"/w/qa/assessments/{seeded.assessment_id}/export/csv")
        assert download.status_code == 200
        rows = list(csv.DictReader(io.StringIO(download.content.decode("utf-8-sig"))))
        assert {r["ref_id"]: r["effective_level"] for r in rows}["A.5.16"] == "5"
