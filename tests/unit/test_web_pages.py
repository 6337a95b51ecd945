"""The web UI over HTTP (no browser): sign-in, CSRF, roles, plain errors, uploads, headers."""

from __future__ import annotations

import html

from fastapi.testclient import TestClient

from service.web import STATIC_DIR
from tests.api_helpers import events
from tests.web_helpers import sign_in


def test_pages_need_a_session_and_sign_in_checks_the_form(web: tuple[TestClient, dict[str, str]]
                                                          ) -> None:
    client, tokens = web
    assert client.get("/", follow_redirects=False).headers["location"] == "/login"
    away = client.get("/w/qa/documents", follow_redirects=False)
    assert (away.status_code, away.headers["location"]) == (303, "/login?next=/w/qa/documents")
    client.get("/login")
    forged = client.post("/login", data={"token": tokens["admin"], "csrf_token": "guess"})
    assert forged.status_code == 403 and "expired" in forged.text
    wrong = client.post("/login", data={"token": "assay_wrong",
                                        "csrf_token": client.cookies["assay_login_csrf"]})
    assert wrong.status_code == 401 and "not valid" in wrong.text
    sign_in(client, tokens["vera"])
    assert client.get("/w/qa/documents").status_code == 200
    tampered = client.cookies["assay_session"][:-3] + "AAA"
    client.cookies.clear()
    client.cookies.set("assay_session", tampered)
    assert client.get("/w/qa/documents", follow_redirects=False).status_code == 303


def test_roles_are_enforced_by_the_server(web: tuple[TestClient, dict[str, str]]) -> None:
    client, tokens = web
    csrf = sign_in(client, tokens["vera"])
    page = client.get("/w/qa/documents")
    assert 'id="dropzone"' not in page.text
    json_headers = {"X-CSRF-Token": csrf, "Accept": "application/json"}
    refused = client.post("/w/qa/documents/upload", headers=json_headers,
                          files={"file": ("a.md", b"# A\n\nText.")})
    assert refused.status_code == 403
    assert refused.json() == {"error": "You are a viewer in workspace 'qa'; "
                                       "this needs the assessor role."}
    start = client.post("/w/qa/assessments", data={"framework": "gdpr", "csrf_token": csrf})
    assert start.status_code == 403 and "needs the assessor role" in start.text
    hidden = client.get("/w/other/documents")
    assert hidden.status_code == 404 and "no workspace 'other'" in html.unescape(hidden.text)
    audit = client.get("/audit-log")
    assert audit.status_code == 403 and "not an admin" in audit.text
    for response in (refused, start, hidden, audit):
        assert "Traceback" not in response.text


def test_a_change_without_the_csrf_token_is_refused(web: tuple[TestClient, dict[str, str]]
                                                    ) -> None:
    client, tokens = web
    sign_in(client, tokens["axel"])
    response = client.post("/w/qa/documents/upload", headers={"Accept": "application/json"},
                           files={"file": ("a.md", b"# A\n\nText.")})
    assert response.status_code == 403
    assert "did not come from this site" in response.json()["error"]


def test_upload_list_open_and_delete_a_document(web: tuple[TestClient, dict[str, str]]) -> None:
    client, tokens = web
    csrf = sign_in(client, tokens["axel"])
    headers = {"X-CSRF-Token": csrf, "Accept": "application/json"}
    text = b"# Access policy\n\nAccess rights are reviewed every quarter by the owner.\n"
    uploaded = client.post("/w/qa/documents/upload", headers=headers,
                           files={"file": ("../../policy.md", text)})
    assert uploaded.status_code == 200, uploaded.text
    result = uploaded.json()
    assert (result["document"], result["status"], result["error"]) == ("policy.md", "indexed",
                                                                      None)
    bad = client.post("/w/qa/documents/upload", headers=headers,
                      files={"file": ("tool.exe", b"MZ\x90\x00")})
    assert bad.status_code == 422 and bad.json()["status"] == "rejected"
    assert "unsupported file type" in bad.json()["error"]
    listing = client.get("/w/qa/documents")
    assert "policy.md" in listing.text and "tool.exe" not in listing.text
    original = client.get(f"/w/qa/documents/{result['id']}/original")
    assert original.content == text
    assert original.headers["content-type"].startswith("text/plain")
    gone = client.post(f"/w/qa/documents/{result['id']}/delete", data={"csrf_token": csrf})
    assert gone.status_code == 200 and "No documents yet." in gone.text


def test_pages_carry_security_headers_and_vendored_assets_are_served(
    web: tuple[TestClient, dict[str, str]],
) -> None:
    client, tokens = web
    sign_in(client, tokens["admin"])
    page = client.get("/compare?a=iso27001-2022&b=iso9001-2015")
    assert page.status_code == 200 and "Crosswalk overlap" in page.text
    assert "script-src 'self'" in page.headers["content-security-policy"]
    assert page.headers["x-content-type-options"] == "nosniff"
    same = client.get("/compare?a=gdpr&b=gdpr")
    assert same.status_code == 422 and "two different frameworks" in same.text
    for asset in ("htmx.min.js", "chart.umd.min.js"):
        assert client.get(f"/static/vendor/{asset}").status_code == 200
    for license_file in ("htmx.LICENSE", "chart.js.LICENSE.md"):
        assert (STATIC_DIR / "vendor" / license_file).stat().st_size > 0


def test_only_an_admin_creates_a_workspace(web: tuple[TestClient, dict[str, str]]) -> None:
    client, tokens = web
    csrf = sign_in(client, tokens["axel"])
    refused = client.post("/w", data={"slug": "lab", "csrf_token": csrf})
    assert refused.status_code == 403 and 'id="create-title"' not in client.get("/w").text
    csrf = sign_in(client, tokens["admin"])
    bad = client.post("/w", data={"slug": "Not A Slug", "csrf_token": csrf})
    assert bad.status_code == 422 and "invalid workspace name" in html.unescape(bad.text)
    made = client.post("/w", data={"slug": "lab", "csrf_token": csrf}, follow_redirects=False)
    assert (made.status_code, made.headers["location"]) == (303, "/w/lab/documents")
    assert "/w/lab/documents" in client.get("/w").text


def test_the_chat_streams_the_api_s_server_sent_events(
    web: tuple[TestClient, dict[str, str]]
) -> None:
    client, tokens = web
    csrf = sign_in(client, tokens["vera"])
    reply = client.post("/w/qa/chat/stream", headers={"X-CSRF-Token": csrf},
                        json={"question": "What does clause 6.1 require?",
                              "framework": "iso27001-2022"})
    assert reply.status_code == 200
    assert reply.headers["content-type"].startswith("text/event-stream")
    stream = events(reply.text)
    assert {name for name, _ in stream[:-1]} == {"token"}
    name, done = stream[-1]
    assert name == "done" and done["answer"]
    assert all(c["url"].startswith("/") for c in done["citations"])
    unknown = client.post("/w/qa/chat/stream", headers={"X-CSRF-Token": csrf},
                          json={"question": "What?", "framework": "no-such-framework"})
    [(name, data)] = events(unknown.text)
    assert name == "error" and data["error"]["code"] == "not_found"
