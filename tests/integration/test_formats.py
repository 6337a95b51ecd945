"""One real file per format, through the real pipeline: provenance survives to search."""

from __future__ import annotations

from pathlib import Path

import pytest

from service.pipeline.ingest import Ingestor
from service.pipeline.search import search
from tests.conftest import ContextFactory
from tests.files import write_docx, write_pdf, write_xlsx

pytestmark = pytest.mark.integration


def _ingest_and_find(make_context: ContextFactory, path: Path, query: str):  # type: ignore[no-untyped-def]
    context = make_context()
    outcome = Ingestor(context, "default").ingest(path, path.name)
    assert outcome.status == "indexed", outcome.error
    assert outcome.chunks >= 1
    return outcome, search(context, "default", query, 3)


def test_pdf_keeps_pages(make_context: ContextFactory, tmp_path: Path) -> None:
    path = write_pdf(tmp_path / "policy.pdf", [
        "Information security policy. The CISO owns this policy.",
        "Backups of the LIMS database run every night and are restored quarterly as a test.",
    ])
    _, hits = _ingest_and_find(make_context, path, "how often are backups restored")
    assert hits[0].chunk.page == 2
    assert "restored quarterly" in hits[0].chunk.text


def test_docx_keeps_heading_path(make_context: ContextFactory, tmp_path: Path) -> None:
    path = write_docx(tmp_path / "access.docx", [
        (1, "Access Control Policy", "This policy governs access to company systems."),
        (2, "4. Access reviews", "System owners review all user access rights every quarter."),
        (2, "5. Passwords", "Passwords have at least fourteen characters."),
    ])
    _, hits = _ingest_and_find(make_context, path, "periodic review of user access rights")
    assert hits[0].chunk.heading == "Access Control Policy > 4. Access reviews"


def test_markdown_keeps_heading_path(make_context: ContextFactory, tmp_path: Path) -> None:
    path = tmp_path / "incident.md"
    path.write_text(
        "# Incident Response\n\nIntro.\n\n## Severity\n\nFour severity levels.\n\n"
        "```\n# not a heading\n```\n\n## Notification\n\n"
        "The DPO notifies the supervisory authority within 72 hours of a personal data breach.\n"
    )
    _, hits = _ingest_and_find(make_context, path, "breach notification deadline to regulator")
    assert hits[0].chunk.heading == "Incident Response > Notification"


def test_html_keeps_heading_path(make_context: ContextFactory, tmp_path: Path) -> None:
    path = tmp_path / "handbook.html"
    path.write_text(
        "<html><head><title>x</title><script>alert(1)</script></head><body>"
        "<h1>Staff Handbook</h1><p>Welcome.</p><h2>Clean desk</h2>"
        "<p>Papers with <b>confidential</b> data are locked away at the end of each day.</p>"
        "</body></html>"
    )
    _, hits = _ingest_and_find(make_context, path, "clean desk rule for confidential papers")
    assert hits[0].chunk.heading == "Staff Handbook > Clean desk"
    assert "alert(1)" not in hits[0].chunk.text


def test_text_file(make_context: ContextFactory, tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("Visitors sign in at reception and wear a badge at all times.")
    _, hits = _ingest_and_find(make_context, path, "visitor badges")
    assert hits[0].chunk.page is None
    assert hits[0].chunk.heading == ""


def test_xlsx_keeps_sheet_and_row(make_context: ContextFactory, tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "register.xlsx", "Incidents", [
        ["id", "date", "summary"],
        ["INC-1", "2026-02-01", "Phishing email reported by finance"],
        ["INC-2", "2026-03-09", "Laptop stolen from a car, disk was encrypted"],
    ])
    _, hits = _ingest_and_find(make_context, path, "stolen laptop")
    assert hits[0].chunk.heading == "Incidents > row 3"
    assert "summary: Laptop stolen" in hits[0].chunk.text


def test_csv_keeps_row(make_context: ContextFactory, tmp_path: Path) -> None:
    path = tmp_path / "restore-tests.csv"
    path.write_text(
        "date,system,result\n2026-01-05,LIMS,restore succeeded\n2026-02-05,ERP,restore failed\n"
    )
    _, hits = _ingest_and_find(make_context, path, "ERP restore failed")
    assert hits[0].chunk.heading == "restore-tests > row 3"
