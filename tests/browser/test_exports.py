"""The assessment page offers the exports, and a click downloads a readable workbook."""

from __future__ import annotations

from pathlib import Path

from openpyxl import load_workbook

from tests.browser.conftest import BROWSER_MARKS, WORKSPACE, LiveServer, Watched, sign_in
from tests.browser.test_roles import REF, start_assessment

pytestmark = BROWSER_MARKS


def test_the_excel_export_downloads_from_the_assessment_page(
    live_server: LiveServer, watched: Watched, tmp_path: Path
) -> None:
    assessment = start_assessment(live_server)
    page = sign_in(watched, live_server, "vera")  # a viewer may export
    page.goto(f"{live_server.url}/w/{WORKSPACE}/assessments/{assessment}")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Excel").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".xlsx")
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    sheet = load_workbook(path)["Requirements"]
    assert [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)] == [REF]
