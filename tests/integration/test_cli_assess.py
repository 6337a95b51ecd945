"""`assay retrieve`, `assess` and `report` keep the JSON shapes and exit codes of CLI.md."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from service.cli import app, options
from service.composition import build_context
from service.settings import Settings
from tests.conftest import SAMPLES, CachingEmbedder

pytestmark = pytest.mark.integration
FILES = ("access_control_policy.docx", "access_review_minutes_2026_q3.docx",
         "backup_restore_standard.pdf", "backup_restore_test_log_2026.csv")
EVIDENCE_KEYS = {"chunk_id", "document", "page", "heading", "kind", "score", "text", "below_floor"}
RESULT_KEYS = {"ref_id", "title", "level", "documentation_level", "implementation_level",
               "confidence", "rationale", "facets", "citations", "gaps", "status"}
FACET_KEYS = {"id", "text", "kind", "status", "quote", "chunk_id"}
CITATION_KEYS = {"chunk_id", "document", "page", "heading", "quote"}


@pytest.fixture
def runner(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
           cached_embedder: CachingEmbedder) -> CliRunner:
    """The CLI on a fresh data dir, sharing the session's embedding model."""
    monkeypatch.setenv("ASSAY_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("ASSAY_SCORING__VERIFY", "false")
    monkeypatch.setattr(options, "build_context",
                        lambda settings: build_context(settings, cached_embedder))
    runner = CliRunner()
    done = runner.invoke(app, ["ingest", *(str(SAMPLES / name) for name in FILES), "--json"])
    assert done.exit_code == 0, done.output
    return runner


def run_json(runner: CliRunner, *args: str) -> dict[str, Any]:
    """Run a command with --json: exit 0 and exactly one JSON object on stdout."""
    result = runner.invoke(app, [*args, "--json"])
    assert result.exit_code == 0, (result.stdout, result.stderr)
    payload = json.loads(result.stdout)
    assert isinstance(payload, dict)
    return payload


def test_retrieve_json(runner: CliRunner) -> None:
    payload = run_json(runner, "retrieve", "-f", "iso27001-2022", "-r", "A.8.13,A.5.15", "-k", "3")
    assert set(payload) == {"results"}
    assert [r["requirement"]["ref_id"] for r in payload["results"]] == ["A.8.13", "A.5.15"]
    for result in payload["results"]:
        assert set(result) == {"requirement", "evidence"}
        assert set(result["requirement"]) == {"ref_id", "title"}
        assert result["evidence"]
        for evidence in result["evidence"]:
            assert set(evidence) == EVIDENCE_KEYS
            assert evidence["kind"] in {"policy", "procedure", "record"}
            assert 0.0 <= evidence["score"] <= 1.0
            assert evidence["page"] is None or isinstance(evidence["page"], int)
    both = runner.invoke(app, ["retrieve", "-f", "iso27001-2022", "-r", "A.8.13", "--all"])
    assert both.exit_code == 2


def test_assess_and_report_json(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "assessment.json"
    payload = run_json(runner, "assess", "-f", "iso27001-2022", "-r", "A.8.13",
                       "-r", "A.5.15,5.2", "--out", str(out))
    assert json.loads(out.read_text()) == payload
    assert set(payload) == {"assessment_id", "framework", "workspace", "scale", "scope", "as_of",
                            "results"}
    assert (payload["framework"], payload["workspace"], payload["scale"]) == (
        "iso27001-2022", "default", "maturity-0-5")
    assert [r["ref_id"] for r in payload["results"]] == ["A.8.13", "A.5.15", "5.2"]
    for result in payload["results"]:
        assert set(result) == RESULT_KEYS
        assert result["level"] is None or result["level"] in range(6)
        assert result["status"] in {"proposed", "flagged"}
        assert all(set(f) == FACET_KEYS for f in result["facets"])
        assert {f["status"] for f in result["facets"]} <= {"met", "partial", "not_met"}
        assert all(set(c) == CITATION_KEYS for c in result["citations"])
        assert all(isinstance(g, str) for g in result["gaps"])
    assert any(r["citations"] for r in payload["results"])

    report = run_json(runner, "report", payload["assessment_id"])
    assert {"assessment_id", "framework", "workspace", "scale", "status", "themes", "counts",
            "gaps", "screened"} <= set(report)
    assert report["status"] == "completed"
    assert sum(report["counts"].values()) == 3
    assert sum(t["requirements"] for t in report["themes"]) == 3
    assert all({"ref_id", "effective_level", "facets", "suggested_evidence"} <= set(g)
               for g in report["gaps"])

    resumed = run_json(runner, "assess", "-f", "iso27001-2022", "--resume",
                       payload["assessment_id"])
    assert resumed["assessment_id"] == payload["assessment_id"]
    assert len(resumed["results"]) == 3


def test_assess_on_another_scale_and_failures(runner: CliRunner) -> None:
    first = run_json(runner, "assess", "-f", "iso27001-2022", "-r", "A.8.13,A.8.24",
                     "--scale", "compliance")
    assert first["scale"] == "compliance"
    assert {r["level"] for r in first["results"]} <= {0, 1, 2}
    second = run_json(runner, "assess", "-f", "iso27001-2022", "-r", "A.8.13")
    assert second["assessment_id"] != first["assessment_id"]
    unknown = runner.invoke(app, ["assess", "-f", "iso27001-2022", "-r", "Z.9.99", "--json"])
    assert unknown.exit_code == 1
    assert unknown.stdout == ""
    missing = runner.invoke(app, ["report", "no-such-assessment", "--json"])
    assert missing.exit_code == 1
    assert Settings().scoring.verify is False
