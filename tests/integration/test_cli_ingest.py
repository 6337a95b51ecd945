"""`assay ingest` and `assay search` honour the JSON and exit-code contract of CLI.md."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from service.cli import app

pytestmark = pytest.mark.integration
ASSAY = str(Path(sys.executable).parent / "assay")


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    docs = tmp_path / "docs"
    (docs / "policies").mkdir(parents=True)
    (docs / "policies" / "access.md").write_text(
        "# Access\n\n## Reviews\n\nAccess rights are reviewed every quarter.\n"
    )
    (docs / "notes.txt").write_text("The server room door has a badge reader.")
    return docs


def test_console_script_ingests_a_folder_and_searches(folder: Path, tmp_path: Path) -> None:
    env = {"ASSAY_DATA_DIR": str(tmp_path / "data"), "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    done = subprocess.run([ASSAY, "ingest", str(folder), "--json"], env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    documents = json.loads(done.stdout)["documents"]
    assert {d["document"] for d in documents} == {"policies/access.md", "notes.txt"}
    assert all(set(d) == {"id", "path", "document", "status", "chunks", "error"} for d in documents)
    assert {d["status"] for d in documents} == {"indexed"}
    found = subprocess.run([ASSAY, "search", "how often is access reviewed", "-k", "1", "--json"],
                           env=env, capture_output=True, text=True, timeout=300)
    assert found.returncode == 0, found.stderr
    [hit] = json.loads(found.stdout)["results"]
    assert set(hit) == {"chunk_id", "document", "page", "heading", "score", "text", "ocr",
                        "ocr_confidence", "ocr_low"}
    assert (hit["ocr"], hit["ocr_confidence"], hit["ocr_low"]) == (False, None, False)
    assert (hit["document"], hit["page"], hit["heading"]) == ("policies/access.md", None,
                                                              "Access > Reviews")
    assert 0.0 <= hit["score"] <= 1.0


def test_rejections_exit_1_and_single_files_use_their_name(
    folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ASSAY_DATA_DIR", str(tmp_path / "data"))
    missing = tmp_path / "missing.pdf"
    result = CliRunner().invoke(app, ["ingest", str(folder / "notes.txt"), str(missing), "--json"])
    assert result.exit_code == 1
    first, second = json.loads(result.stdout)["documents"]
    assert (first["document"], first["status"]) == ("notes.txt", "indexed")
    assert (second["status"], second["id"], second["chunks"]) == ("rejected", None, 0)
    assert "does not exist" in second["error"]


def test_usage_errors_exit_2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ASSAY_DATA_DIR", str(tmp_path / "data"))
    runner = CliRunner()
    assert runner.invoke(app, ["ingest"]).exit_code == 2
    bad = runner.invoke(app, ["search", "x", "--workspace", "Bad Name!"])
    assert bad.exit_code == 2
    assert "invalid workspace name" in bad.stderr
    assert runner.invoke(app, ["search", "x", "-k", "0"]).exit_code == 2
