"""The assessment page offers the exports: a click starts the job, then downloads a workbook."""

from __future__ import annotations

from pathlib import Path

from openpyxl import load_workbook
from playwright.sync_api import expect

from tests.browser.conftest import BROWSER_MARKS, WORKSPACE, LiveServer, Watched, sign_in
from tests.browser.test_roles import REF, start_assessment

pytestmark = BROWSER_MARKS


def test_the_excel_export_downloads_from_the_assessment_page(
    live_server: LiveServer, watched: Watched, tmp_path: Path
) -> None:
    assessment = start_assessment(live_server)
    page = sign_in(watched, live_server, "vera")  # a viewer may export
    page.goto(f"{live_server.url}/w/{WORKSPACE}/assessments/{assessment}")
    page.get_by_role("button", name="Excel").click()  # a job; its page shows the progress
    expect(page.get_by_role("heading", name="Export in progress")).to_be_visible()
    ready = page.get_by_role("link", name="Download the file")
    expect(ready).to_be_visible(timeout=120_000)
    with page.expect_download() as download_info:
        ready.click()
    download = download_info.value
    assert download.suggested_filename.endswith(".xlsx")
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    sheet = load_workbook(path)["Requirements"]
    assert [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)] == [REF]
