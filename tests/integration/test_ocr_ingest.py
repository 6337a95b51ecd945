"""Scanned evidence end to end: generated scans ingested by the pipeline, the CLI and the API,
found by search and cited with their page, carrying their OCR provenance."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from service.cli import app
from service.domain.evidence import EvidenceKind
from service.pipeline.ingest import Ingestor
from service.pipeline.search import search
from tests.api_helpers import Api, api_settings
from tests.conftest import CachingEmbedder, ContextFactory
from tests.scans import write_huge_png_header, write_scanned_pdf, write_scanned_png

pytestmark = pytest.mark.integration

SIGNED_RECORD = ("Line clearance for lot 3381 on packaging line 2 was completed on 2026-03-14.\n"
                 "Record id BR-20417. Signed: J. Moreau")
DEVIATION = "Deviation DV-0192 was reviewed and closed by quality assurance on 2026-03-20."
SCREENSHOT = "Backup schedule: the finance database is copied offsite every night at two."


@pytest.fixture
def scan(tmp_path: Path) -> Path:
    """A two-page image-only PDF with a neutral name: only its OCR'd words say what it is."""
    return write_scanned_pdf(tmp_path / "scan_0042.pdf", [SIGNED_RECORD, DEVIATION])


def test_a_scanned_pdf_is_found_by_its_words_on_the_right_page(
    make_context: ContextFactory, scan: Path
) -> None:
    context = make_context()
    outcome = Ingestor(context, "default").ingest(scan, scan.name)
    assert outcome.status == "indexed", outcome.error
    [hit, *_] = search(context, "default", "deviation closed by quality assurance", 3)
    assert (hit.chunk.document, hit.chunk.page) == ("scan_0042.pdf", 2)
    assert "DV-0192" in hit.chunk.text
    assert hit.chunk.ocr and hit.chunk.ocr_confidence is not None
    assert hit.chunk.ocr_confidence > 60 and not hit.chunk.ocr_low
    [signed] = search(context, "default", "line clearance signed for lot 3381", 1)
    assert signed.chunk.page == 1
    assert signed.chunk.kind == EvidenceKind.RECORD


def test_the_cli_ingests_a_screenshot_and_finds_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ASSAY_DATA_DIR", str(tmp_path / "data"))
    png = write_scanned_png(tmp_path / "backup_settings.png", SCREENSHOT)
    runner = CliRunner()
    ingested = runner.invoke(app, ["ingest", str(png), "--json"])
    assert ingested.exit_code == 0, ingested.output
    [document] = json.loads(ingested.stdout)["documents"]
    assert (document["status"], document["chunks"]) == ("indexed", 1)
    found = runner.invoke(app, ["search", "how often is the finance database backed up",
                                "-k", "1", "--json"])
    assert found.exit_code == 0, found.output
    [hit] = json.loads(found.stdout)["results"]
    assert (hit["document"], hit["page"]) == ("backup_settings.png", 1)
    assert "offsite every night" in " ".join(hit["text"].split())


def test_the_api_ingests_a_scan_and_refuses_a_giant_image(
    tmp_path: Path, cached_embedder: CachingEmbedder, scan: Path
) -> None:
    with Api(api_settings(tmp_path / "data"), cached_embedder) as api:
        api.workspace("qa")
        uploaded = api.upload("qa", scan)
        assert uploaded.status_code == 201, uploaded.text
        assert uploaded.json()["status"] == "indexed"
        hits = api.ok("GET", "/workspaces/qa/search",
                      params={"q": "deviation closed by quality assurance", "k": 1})["results"]
        assert (hits[0]["document"], hits[0]["page"]) == ("scan_0042.pdf", 2)
        giant = api.upload("qa", write_huge_png_header(tmp_path / "giant.png"))
        assert giant.status_code == 422
        assert "400,000,000 pixels" in giant.text and "ASSAY_OCR__MAX_PIXELS" in giant.text
