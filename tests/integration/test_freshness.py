"""Evidence freshness on real documents, through the real embedder, CLI and API.

The sample access review minutes (Q3 2026) show access rights being reviewed; the same
minutes with every year two earlier (Q3 2024) are older than the 12-month review period as
of 1 December 2026, so they show no practice then, and the proposal's gap names their
date. Assessed as of 1 December 2024, they are fresh again.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import docx
import pytest
from typer.testing import CliRunner

from service.cli import app, options
from service.composition import build_context
from tests.api_helpers import Api, api_settings
from tests.conftest import SAMPLES, CachingEmbedder

pytestmark = pytest.mark.integration
POLICY = "access_control_policy.docx"
MINUTES = "access_review_minutes_2026_q3.docx"
AGED = "access_review_minutes_2024_q3.docx"
REF = "A.5.18"
TODAY = "2026-12-01"
STALE_GAP = re.compile(
    rf"The latest record in {re.escape(AGED)} is from \d{{1,2}} (?:September|October) 2024, "
    r"older than the 12-month review period as of 1 December 2026: it does not count as "
    r"implementation evidence\. Suggested evidence: a current record\.")


def aged_minutes(folder: Path) -> Path:
    """The minutes with every year two earlier: the same record, dated Q3 2024."""
    document = docx.Document(str(SAMPLES / MINUTES))
    paragraphs = [*document.paragraphs, *(p for t in document.tables for row in t.rows
                                          for cell in row.cells for p in cell.paragraphs)]
    for paragraph in paragraphs:
        for run in paragraph.runs:
            run.text = run.text.replace("2026", "2024").replace("2027", "2025")
    path = folder / AGED
    document.save(str(path))
    text = "\n".join(p.text for p in paragraphs)
    assert "2026" not in text and "08 October 2024" in text
    return path


@pytest.fixture
def runner(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
           cached_embedder: CachingEmbedder) -> CliRunner:
    """The CLI over workspace 'fresh' (policy, Q3 2026 minutes) and 'aged' (policy, Q3 2024)."""
    monkeypatch.setenv("ASSAY_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("ASSAY_SCORING__VERIFY", "false")
    monkeypatch.setattr(options, "build_context",
                        lambda settings: build_context(settings, cached_embedder))
    runner = CliRunner()
    for workspace, files in (("fresh", (SAMPLES / POLICY, SAMPLES / MINUTES)),
                             ("aged", (SAMPLES / POLICY, aged_minutes(tmp_path)))):
        done = runner.invoke(app, ["ingest", *map(str, files), "-w", workspace, "--json"])
        assert done.exit_code == 0, done.output
    return runner


def assess(runner: CliRunner, workspace: str, *extra: str) -> dict[str, Any]:
    result = runner.invoke(app, ["assess", "-f", "iso27001-2022", "-r", REF, "-w", workspace,
                                 *extra, "--json"])
    assert result.exit_code == 0, (result.stdout, result.stderr)
    payload: dict[str, Any] = json.loads(result.stdout)
    return payload


def shown_by(result: dict[str, Any], document: str,
             chunks: dict[str, str]) -> list[str]:
    """The practice facets met or partly met by a quote from the named document."""
    return [f["id"] for f in result["facets"]
            if f["kind"] != "documentation" and f["status"] != "not_met"
            and chunks.get(f["chunk_id"]) == document]


def chunk_documents(payload: dict[str, Any]) -> dict[str, str]:
    return {c["chunk_id"]: c["document"] for r in payload["results"] for c in r["citations"]}


def test_a_stale_record_stops_counting_and_the_gap_names_its_date(runner: CliRunner) -> None:
    fresh = assess(runner, "fresh", "--as-of", TODAY)
    aged = assess(runner, "aged", "--as-of", TODAY)
    assert fresh["as_of"] == aged["as_of"] == TODAY
    [now], [then] = fresh["results"], aged["results"]
    # the fresh minutes show the access review happening
    assert shown_by(now, MINUTES, chunk_documents(fresh)), now["facets"]
    assert now["implementation_level"] >= 2
    assert not any("older than" in gap for gap in now["gaps"])
    # the same minutes dated two years earlier show nothing of practice
    assert shown_by(then, AGED, chunk_documents(aged)) == []
    assert all(f["status"] == "not_met" for f in then["facets"] if f["kind"] != "documentation")
    assert then["implementation_level"] < now["implementation_level"]
    assert then["level"] <= now["level"]
    # the date named is the latest the retrieved passages state (the meeting on 8 October,
    # the approval on 12 October, ...): one of the record's own, in words
    [stale] = [gap for gap in then["gaps"] if "older than" in gap]
    assert STALE_GAP.fullmatch(stale), stale


def test_as_of_makes_the_aged_record_fresh_again(runner: CliRunner) -> None:
    fresh = assess(runner, "fresh", "--as-of", TODAY)
    back_then = assess(runner, "aged", "--as-of", "2024-12-01")
    assert back_then["as_of"] == "2024-12-01"
    [now], [then] = fresh["results"], back_then["results"]
    assert shown_by(then, AGED, chunk_documents(back_then))
    assert (then["level"], then["implementation_level"]) == (
        now["level"], now["implementation_level"])
    assert not any("older than" in gap for gap in then["gaps"])


def test_a_bad_or_changed_as_of_is_refused(runner: CliRunner) -> None:
    result = runner.invoke(app, ["assess", "-f", "iso27001-2022", "-r", REF, "-w", "fresh",
                                 "--as-of", "12/01/2026", "--json"])
    assert result.exit_code == 2
    assert "--as-of" in result.stderr
    first = assess(runner, "fresh", "--as-of", TODAY)
    resumed = runner.invoke(app, ["assess", "-f", "iso27001-2022", "-w", "fresh", "--resume",
                                  first["assessment_id"], "--as-of", "2024-12-01", "--json"])
    assert resumed.exit_code != 0
    assert f"is as of {TODAY}: a resumed run keeps its date" in " ".join(resumed.output.split())


def test_the_api_takes_and_shows_as_of(tmp_path: Path, cached_embedder: CachingEmbedder) -> None:
    settings = api_settings(tmp_path / "data", scoring={"verify": False})
    with Api(settings, cached_embedder) as api:
        api.workspace("qa")
        for path in (SAMPLES / POLICY, aged_minutes(tmp_path)):
            assert api.upload("qa", path).status_code == 201
        bad = api.call("POST", "/workspaces/qa/assessments",
                       json={"framework": "iso27001-2022", "requirements": [REF],
                             "as_of": "1 December 2026"})
        assert bad.status_code == 422 and "as_of" in bad.text
        job = api.ok("POST", "/workspaces/qa/assessments", status=202,
                     json={"framework": "iso27001-2022", "requirements": [REF],
                           "as_of": TODAY})
        done = api.wait(job["id"])
        assert done["state"] == "done", done
        result = api.ok("GET", f"/workspaces/qa/assessments/{done['result']}")
        assert result["as_of"] == TODAY
        [proposal] = result["results"]
        assert any(STALE_GAP.fullmatch(gap) for gap in proposal["gaps"]), proposal["gaps"]
