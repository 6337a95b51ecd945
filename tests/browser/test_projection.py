"""Projection in the browser: "Project onto…" an assessment, then read the coverage view."""

from __future__ import annotations

import time

import httpx
from playwright.sync_api import expect

from tests.browser.conftest import BROWSER_MARKS, WORKSPACE, LiveServer, Watched, sign_in

pytestmark = BROWSER_MARKS
SCOPE = "Payroll IT of the Berlin site"
# A.5.15 links to PR.AA-01 and PR.AA-05, A.5.16 to PR.AA-01 to -04 (both `intersect`)
CARRIED = {"PR.AA-01", "PR.AA-02", "PR.AA-03", "PR.AA-04", "PR.AA-05"}


def reviewed_assessment(server: LiveServer) -> str:
    """A.5.15 and A.5.16 assessed (with a scope) over the REST API; A.5.16 overridden to 4."""
    headers = {"Authorization": f"Bearer {server.tokens['admin']}"}
    with httpx.Client(base_url=server.url, headers=headers, timeout=30) as client:
        job = client.post(f"/workspaces/{WORKSPACE}/assessments",
                          json={"framework": "iso27001-2022", "scope": SCOPE,
                                "requirements": ["A.5.15", "A.5.16"]})
        assert job.status_code == 202, job.text
        deadline = time.monotonic() + 120
        while (status := client.get(f"/jobs/{job.json()['id']}").json())["state"] != "done":
            assert status["state"] in ("queued", "running"), status
            assert time.monotonic() < deadline, "the assessment did not finish in time"
            time.sleep(0.2)
        assessment = str(status["result"])
        review = client.post(
            f"/workspaces/{WORKSPACE}/assessments/{assessment}/proposals/A.5.16/review",
            json={"action": "override", "level": 4, "comment": "identities are managed"})
        assert review.status_code == 201, review.text
    return assessment


def test_projecting_from_the_ui_shows_the_coverage_view(
    live_server: LiveServer, watched: Watched
) -> None:
    source = reviewed_assessment(live_server)
    page = sign_in(watched, live_server, "admin")
    page.goto(f"{live_server.url}/w/{WORKSPACE}/assessments/{source}")
    page.get_by_role("link", name="Project onto…").click()
    expect(page.get_by_role("heading", name="Project onto another framework")).to_be_visible()
    page.get_by_label("Target framework").select_option("nist-csf-2.0")
    page.get_by_role("button", name="Project").click()  # a job: its progress, then a link
    expect(page.get_by_role("heading", name="Projection in progress")).to_be_visible()
    page.get_by_role("link", name="See the coverage").click(timeout=120_000)
    page.wait_for_url("**/coverage")
    expect(page.get_by_role("heading", name="Coverage by theme")).to_be_visible()
    expect(page.get_by_role("link", name="Coverage")).to_have_attribute("aria-current", "page")
    expect(page.locator("#scope-text")).to_have_text(SCOPE)  # the source's scope carries
    expect(page.locator("p.note").first).to_contain_text("iso27001-2022")

    coverage = page.locator("table.coverage tbody tr")
    cells = [[c.strip() for c in row.locator("td").all_inner_texts()]
             for row in coverage.all()]
    assert sum(int(row[2]) for row in cells) == len(CARRIED)  # the Carried column
    assert sum(int(row[4]) for row in cells) == 0  # nothing assessed directly yet
    assert sum(int(row[1]) for row in cells) == sum(int(row[2]) + int(row[5]) for row in cells)
    assert sum(int(row[3]) for row in cells) <= len(CARRIED)  # agrees with the evidence

    results = page.locator("table.projection-results tbody tr")
    carried = {row.locator(".ref").inner_text(): row for row in results.all()
               if "not carried" not in row.inner_text()}
    assert set(carried) == CARRIED
    provenance = carried["PR.AA-02"].locator("td").nth(3)
    expect(provenance).to_contain_text("iso27001-2022 A.5.16 (intersect, level 4, "
                                       "reviewed: overridden")
    expect(provenance).to_contain_text("iso27001-2022__nist-csf-2.0.yaml")
    check = carried["PR.AA-02"].locator("td").nth(4).locator(".badge").inner_text()
    assert check in ("agrees", "disagrees", "no evidence")
    watched.shot("20-projection-coverage")

    page.get_by_role("link", name="Review").click()
    expect(page.locator("#review-table tbody tr")).to_have_count(len(CARRIED))
    assert watched.errors == [] and watched.failed == []

