"""Roles in the browser: a viewer sees no review or upload controls, and the server refuses."""

from __future__ import annotations

import threading
import time

import httpx
import pytest
from playwright.sync_api import expect

from service.components.jobs import JobControl
from service.domain.jobs import JobParams
from tests.browser.conftest import BROWSER_MARKS, WORKSPACE, LiveServer, Watched, sign_in

pytestmark = BROWSER_MARKS
REF = "A.5.1"


def start_assessment(server: LiveServer) -> str:
    """An assessment of one requirement, started and awaited over the REST API as the admin."""
    headers = {"Authorization": f"Bearer {server.tokens['admin']}"}
    with httpx.Client(base_url=server.url, headers=headers, timeout=30) as client:
        job = client.post(f"/workspaces/{WORKSPACE}/assessments",
                          json={"framework": "iso27001-2022", "requirements": [REF]})
        assert job.status_code == 202, job.text
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            status = client.get(f"/jobs/{job.json()['id']}").json()
            if status["state"] == "done":
                return str(status["result"])
            assert status["state"] in ("queued", "running"), status
            time.sleep(0.2)
    pytest.fail("the assessment did not finish in time")


def test_viewer_sees_no_review_controls_and_is_refused(
    live_server: LiveServer, watched: Watched
) -> None:
    assessment = start_assessment(live_server)
    page = sign_in(watched, live_server, "vera")
    expect(page.get_by_text("your role: viewer")).to_be_visible()

    page.goto(f"{live_server.url}/w/{WORKSPACE}/documents")
    expect(page.locator("#dropzone")).to_have_count(0)
    page.goto(f"{live_server.url}/w/{WORKSPACE}/assessments")
    expect(page.get_by_role("button", name="Start the assessment")).to_have_count(0)

    table = f"{live_server.url}/w/{WORKSPACE}/assessments/{assessment}"
    page.goto(table)
    expect(page.locator("#review-table tbody tr")).to_have_count(1)
    expect(page.locator("#review-table button")).to_have_count(0)
    page.keyboard.press("j")
    page.keyboard.press("a")
    expect(page.locator("#review-table .badge.state")).to_have_text("pending")

    page.goto(f"{table}/r/{REF}")
    expect(page.get_by_text("can read but not review")).to_be_visible()
    expect(page.get_by_role("button", name="Override")).to_have_count(0)
    watched.shot("11-viewer-requirement")

    csrf = page.locator("body").get_attribute("data-csrf")
    refused = page.request.post(f"{table}/review/{REF}", form={"action": "accept"},
                                headers={"X-CSRF-Token": csrf or ""})
    assert refused.status == 403
    assert "this needs the reviewer role" in refused.text()
    forged = page.request.post(f"{table}/review/{REF}", form={"action": "accept"})
    assert forged.status == 403
    assert "did not come from this site" in forged.text()
    page.reload()
    expect(page.get_by_text("Not reviewed yet.")).to_be_visible()


def test_sign_in_refuses_a_wrong_token_in_plain_words(
    live_server: LiveServer, watched: Watched
) -> None:
    page = watched.page
    page.goto(f"{live_server.url}/w/{WORKSPACE}/documents")
    expect(page).to_have_url(f"{live_server.url}/login?next=/w/{WORKSPACE}/documents")
    page.get_by_label("API token").fill("assay_not-a-real-token")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert").filter(has_text="not valid")).to_be_visible()
    watched.shot("00-sign-in-refused")
    assert "Traceback" not in page.content()


def test_job_progress_updates_live(live_server: LiveServer, watched: Watched) -> None:
    """The job page polls: percent, current requirement and estimate, then the result."""
    release = threading.Event()

    def work(_params: JobParams, control: JobControl) -> str:
        control.progress(40.0, "A.5.15")
        release.wait(timeout=60)
        return "finished-assessment"

    live_server.jobs.register("probe", work)
    job_id = live_server.jobs.submit("probe", {}, scope=WORKSPACE)
    page = sign_in(watched, live_server, "admin")
    page.goto(f"{live_server.url}/w/{WORKSPACE}/jobs/{job_id}")
    panel = page.locator("#job")
    expect(panel.locator(".percent")).to_have_text("40%")
    expect(panel.locator(".current")).to_have_text("A.5.15")
    expect(panel).to_contain_text("left")
    watched.shot("03-progress-running")
    release.set()
    done = page.get_by_role("link", name="Review the proposals")
    expect(done).to_have_attribute("href", f"/w/{WORKSPACE}/assessments/finished-assessment")
    assert watched.errors == []
