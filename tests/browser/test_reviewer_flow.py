"""The reviewer's whole job in a real browser: upload, assess, review, gaps, chart, chat, audit."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Page, expect

from tests.browser.conftest import (
    BROWSER_MARKS,
    CHAT_ANSWER,
    WORKSPACE,
    LiveServer,
    Watched,
    sign_in,
)
from tests.conftest import SAMPLES

pytestmark = BROWSER_MARKS
FILES = ("access_control_policy.docx", "access_review_minutes_2026_q3.docx")
SUBSET = "A.5.15, A.5.18, A.8.13"
JOB_SECONDS = 240


def upload_documents(page: Page, empty_file: Path) -> None:
    """Drop two samples and one empty file; each shows its own outcome in plain words."""
    page.get_by_role("link", name="Documents").click()
    page.locator("#files").set_input_files([SAMPLES / name for name in FILES] + [empty_file])
    uploads = page.locator("#uploads li")
    expect(uploads).to_have_count(3)
    for name in FILES:
        expect(uploads.filter(has_text=name).locator(".status")).to_contain_text(
            re.compile(r"indexed: \d+ passages"), timeout=180_000)
    failed = uploads.filter(has_text=empty_file.name)
    expect(failed).to_have_class(re.compile("failed"))
    expect(failed.locator(".status")).to_contain_text("rejected")
    expect(failed.locator(".status")).to_contain_text("empty")
    table = page.locator("#documents table")
    for name in FILES:
        expect(table.get_by_role("link", name=name)).to_be_visible()


def run_assessment(page: Page, watched: Watched) -> None:
    """Start a subset assessment and watch its progress until it finishes."""
    page.get_by_role("link", name="Assessments").click()
    page.get_by_label("Framework").select_option("iso27001-2022")
    page.get_by_label("Only these requirements").fill(SUBSET)
    page.get_by_role("button", name="Start the assessment").click()
    page.wait_for_url(re.compile(r"/w/qa/jobs/"))
    expect(page.locator("#job progress")).to_be_visible()
    watched.shot("03-progress")
    done = page.get_by_role("link", name="Review the proposals")
    expect(done).to_be_visible(timeout=JOB_SECONDS * 1000)
    done.click()


def review_in_table(page: Page, watched: Watched) -> None:
    """Keys: j selects the first row, a accepts it and moves on."""
    rows = page.locator("#review-table tbody tr")
    expect(rows).to_have_count(3)
    watched.shot("04-review-table")
    page.keyboard.press("j")
    expect(rows.first).to_have_class(re.compile("current"))
    page.keyboard.press("a")
    expect(rows.first.locator(".badge.state")).to_have_text("accepted")
    expect(rows.nth(1)).to_have_class(re.compile("current"))


def override_in_detail(page: Page, watched: Watched) -> None:
    """Open the second requirement, see its evidence in context, override with a comment."""
    page.locator("#review-table tbody tr").nth(1).get_by_role("link").first.click()
    expect(page.get_by_role("heading", name="Cited evidence", exact=False)).to_be_visible()
    expect(page.get_by_role("heading", name="History")).to_be_visible()
    watched.shot("05-requirement")
    page.get_by_label("New level").select_option("2")
    page.get_by_label("Why (required)").fill("The Q3 minutes show the review happened once.")
    page.get_by_role("button", name="Override").click()
    expect(page.get_by_role("status")).to_have_text("Level overridden.")
    history = page.locator("ol.history")
    expect(history).to_contain_text("The Q3 minutes show the review happened once.")
    expect(history).to_contain_text("admin")


def ask_in_chat(page: Page, watched: Watched) -> None:
    """One question: the answer streams in, its sources are links that open."""
    page.get_by_role("link", name="Chat").click()
    page.get_by_label("Your question").fill("What does ISO 27001 A.5.15 require?")
    page.get_by_role("button", name="Ask").click()
    answer = page.locator(".message.assistant").last
    expect(answer.locator(".text")).to_contain_text(CHAT_ANSWER)
    sources = answer.locator("ol.citations a")
    expect(sources.first).to_be_visible()
    expect(page).to_have_url(re.compile(r"conversation="))
    watched.shot("08-chat")
    sources.filter(has_text="A.5.15").first.click()
    expect(page.get_by_role("heading", name=re.compile("A.5.15"))).to_be_visible()


def compare_frameworks(page: Page, watched: Watched) -> None:
    """ISO 27001 against ISO 9001: profiles side by side and the crosswalk overlap."""
    page.get_by_role("link", name="Compare frameworks").click()
    page.get_by_label("First").select_option("iso27001-2022")
    page.get_by_label("Second").select_option("iso9001-2015")
    page.get_by_role("button", name="Compare").click()
    expect(page.locator("table.compare thead")).to_contain_text("ISO 9001")
    expect(page.get_by_role("heading", name="iso27001-2022 → iso9001-2015")).to_be_visible()
    watched.shot("09-compare")


def check_audit_log(page: Page, watched: Watched) -> None:
    """The chain verifies, and the review decisions are in the log under the admin's name."""
    page.get_by_role("link", name="Audit log").click()
    expect(page.locator(".verify")).to_contain_text("Intact.")
    page.get_by_label("Workspace").fill(WORKSPACE)
    page.get_by_role("button", name="Show").click()
    actions = page.locator("table.audit tbody tr")
    expect(actions.filter(has_text="review.override")).to_contain_text("admin")
    expect(actions.filter(has_text="document.indexed")).to_have_count(2)
    watched.shot("10-audit")


def test_reviewer_flow(live_server: LiveServer, watched: Watched, tmp_path: Path) -> None:
    page = sign_in(watched, live_server, "admin")
    watched.shot("01-workspaces")
    page.get_by_role("link", name=re.compile(WORKSPACE)).first.click()
    empty = tmp_path / "empty_notes.txt"
    empty.write_text("")
    upload_documents(page, empty)
    watched.shot("02-documents")
    run_assessment(page, watched)
    review_in_table(page, watched)
    table_url = page.url
    override_in_detail(page, watched)

    page.goto(table_url)
    expect(page.locator("#review-table .badge.state")).to_have_text(
        ["accepted", "overridden", "pending"])
    page.get_by_role("link", name="Gap report").click()
    expect(page.locator(".gap-group").first).to_be_visible()
    expect(page.locator(".gap-group h4", has_text="Suggested evidence").first).to_be_visible()
    watched.shot("06-gaps")

    page.get_by_role("link", name="Dashboard").click()
    expect(page.locator("#theme-chart[data-ready=true]")).to_be_attached()
    stats = page.locator(".stat").filter(has_text="reviewed")
    expect(stats.first.locator(".value")).to_have_text("2")
    watched.shot("07-dashboard")

    ask_in_chat(page, watched)
    compare_frameworks(page, watched)
    check_audit_log(page, watched)

    assert watched.errors == []
    assert [f.split(" ", 1)[0] for f in watched.failed] == ["422"], watched.failed
