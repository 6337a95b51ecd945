"""Workspace scoping and roles over HTTP: nothing of workspace B reaches a token of A."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from service.components.embedding import FakeEmbedder
from tests.api_helpers import Api, api_settings
from tests.assessments import store_assessment

pytestmark = pytest.mark.integration
SECRET = "Project Nightjar: the vault combination is rotated every full moon by the warden."


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    folder = tmp_path_factory.mktemp("api-access")
    settings = api_settings(folder / "data", scoring={"verify": False})
    with Api(settings, FakeEmbedder()) as client:
        for slug in ("a", "b"):
            client.workspace(slug)
        (folder / "a.md").write_text("# Access\n\nAccess rights are reviewed every quarter.\n")
        (folder / "b.md").write_text(f"# Vault\n\n{SECRET}\n")
        for slug in ("a", "b"):
            assert client.upload(slug, folder / f"{slug}.md").status_code == 201
        yield client


@pytest.fixture(scope="module")
def tokens(api: Api) -> dict[str, str]:
    return {"viewer": api.member("vera", "a", "viewer"),
            "reviewer": api.member("rita", "a", "reviewer"),
            "assessor": api.member("axel", "a", "assessor"),
            "b_assessor": api.member("bob", "b", "assessor")}


@pytest.fixture(scope="module")
def b_ids(api: Api, tokens: dict[str, str]) -> dict[str, str]:
    """A document, an assessment, a job and a conversation of workspace B."""
    bob = tokens["b_assessor"]
    document = api.ok("GET", "/workspaces/b/documents", bob)["documents"][0]["id"]
    job = api.ok("POST", "/workspaces/b/assessments", bob, status=202,
                 json={"framework": "iso27001-2022", "requirements": ["A.5.15"]})
    assessment = api.wait(job["id"], bob)["result"]
    chat = api.call("POST", "/workspaces/b/chat", bob, json={"question": "vault combination"})
    assert chat.status_code == 200, chat.text
    conversation = api.ok("GET", "/workspaces/b/conversations", bob)["conversations"][0]["id"]
    return {"document": document, "assessment": assessment, "job": job["id"],
            "conversation": conversation}


def test_a_token_of_a_reaches_nothing_of_b(
    api: Api, tokens: dict[str, str], b_ids: dict[str, str]
) -> None:
    doc, run = b_ids["document"], b_ids["assessment"]
    refused = [
        ("GET", "/workspaces/b/documents"), ("GET", f"/workspaces/b/documents/{doc}"),
        ("GET", f"/workspaces/a/documents/{doc}"),
        ("GET", f"/workspaces/a/documents/{doc}/original"),
        ("GET", "/workspaces/b/search?q=vault"), ("GET", f"/workspaces/b/assessments/{run}"),
        ("GET", f"/workspaces/a/assessments/{run}"),
        ("GET", f"/workspaces/a/assessments/{run}/report"),
        ("GET", f"/workspaces/a/assessments/{run}/proposals"),
        ("GET", f"/workspaces/a/assessments/compare?a={run}&b={run}"),
        ("GET", f"/jobs/{b_ids['job']}"), ("DELETE", f"/jobs/{b_ids['job']}"),
        ("GET", f"/workspaces/a/conversations/{b_ids['conversation']}"),
    ]
    for method, url in refused:
        for role in ("viewer", "assessor"):
            response = api.call(method, url, tokens[role])
            assert response.status_code == 404, (role, url, response.text)
    assert api.call("DELETE", f"/workspaces/a/documents/{doc}",
                    tokens["assessor"]).status_code == 404
    for body in ({"framework": "iso27001-2022", "requirements": ["A.5.15"]},
                 {"framework": "iso27001-2022", "all": True}):
        assert api.call("POST", "/workspaces/b/retrieve", tokens["viewer"],
                        json=body).status_code == 404
    hits = api.ok("POST", "/workspaces/a/search", tokens["viewer"],
                  json={"text": SECRET, "k": 50})["results"]
    assert hits and all(SECRET not in h["text"] for h in hits)
    evidence = api.ok("POST", "/workspaces/a/retrieve", tokens["viewer"],
                      json={"framework": "iso27001-2022", "all": True, "k": 50})["results"]
    assert all(SECRET not in e["text"] for r in evidence for e in r["evidence"])
    assert api.ok("GET", "/workspaces/a/conversations", tokens["viewer"])["conversations"] == []
    assert api.ok("GET", "/workspaces", tokens["viewer"]) == {"workspaces": ["a"]}


def test_each_role_does_only_its_part(api: Api, tokens: dict[str, str]) -> None:
    context = api.services.context
    run = store_assessment(context.sessions, {"A.5.15": 2, "A.5.16": 3}, workspace="a")
    review = f"/workspaces/a/assessments/{run}/proposals/A.5.15/review"
    for role in ("viewer", "assessor"):
        response = api.call("POST", review, tokens[role], json={"action": "accept"})
        assert (response.status_code, response.json()["error"]["code"]) == (403, "forbidden")
    api.ok("POST", review, tokens["reviewer"], status=201, json={"action": "accept"})
    for role in ("viewer", "reviewer"):
        assert api.upload("a", Path(__file__), tokens[role]).status_code == 403
        started = api.call("POST", "/workspaces/a/assessments", tokens[role],
                           json={"framework": "iso27001-2022", "requirements": ["A.5.15"]})
        assert started.status_code == 403
    for method, url in (("GET", "/audit"), ("GET", "/audit/verify"), ("POST", "/users"),
                        ("POST", "/workspaces"), ("PUT", "/workspaces/a/members/vera")):
        assert api.call(method, url, tokens["assessor"], json={}).status_code == 403


def test_changed_since_review_is_a_filter(api: Api, tokens: dict[str, str]) -> None:
    context = api.services.context
    first = store_assessment(context.sessions, {"A.5.15": 2, "A.8.1": 1}, workspace="a",
                             age_days=2)
    api.ok("POST", f"/workspaces/a/assessments/{first}/proposals/A.8.1/review",
           tokens["reviewer"], status=201, json={"action": "accept"})
    second = store_assessment(context.sessions, {"A.5.15": 2, "A.8.1": 3}, workspace="a",
                              age_days=1)
    url = f"/workspaces/a/assessments/{second}/proposals"
    changed = api.ok("GET", url, tokens["viewer"], params={"changed_since_review": True})
    assert [(p["ref_id"], p["review_state"], p["level"]) for p in changed["proposals"]] == [
        ("A.8.1", "changed_since_review", 1)]
    by_theme = api.ok("GET", url, tokens["viewer"],
                      params={"theme": "Technological controls", "level": 3})["proposals"]
    assert [p["ref_id"] for p in by_theme] == ["A.8.1"]
    assert api.ok("GET", url, tokens["viewer"], params={"status": "flagged"}) == {
        "proposals": []}
