"""Background jobs over HTTP (a large upload, a cancelled assessment) and chat as SSE."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from service.components.embedding import FakeEmbedder
from tests.api_helpers import Api, api_settings, events
from tests.conftest import SAMPLES

pytestmark = pytest.mark.integration


@pytest.fixture
def api(tmp_path: Path) -> Iterator[Api]:
    settings = api_settings(tmp_path / "data", scoring={"verify": False},
                            api={"background_upload_bytes": 20_000})
    with Api(settings, FakeEmbedder()) as client:
        client.workspace("qa")
        yield client


def test_a_large_upload_is_ingested_as_a_job(api: Api) -> None:
    large = SAMPLES / "risk_assessment_methodology.docx"
    assert large.stat().st_size > 20_000
    response = api.upload("qa", large)
    assert response.status_code == 202, response.text
    done = api.wait(response.json()["id"])
    assert done["state"] == "done" and done["workspace"] == "qa"
    document = api.ok("GET", f"/workspaces/qa/documents/{done['result']}")
    assert document["document"] == large.name and document["chunks"] > 0
    assert not any((api.settings.data_dir / "uploads").iterdir())


def test_a_running_assessment_can_be_cancelled(api: Api) -> None:
    assert api.upload("qa", SAMPLES / "supplier_security_policy.md").status_code == 201
    job = api.ok("POST", "/workspaces/qa/assessments", status=202,
                 json={"framework": "iso27001-2022"})
    cancelled = api.ok("DELETE", f"/jobs/{job['id']}")
    assert cancelled["cancel_requested"] is True
    final = api.wait(job["id"])
    assert (final["state"], final["result"]) == ("cancelled", None)
    actions = [e["action"] for e in api.ok("GET", "/audit", params={"workspace": "qa"})["events"]]
    if "assessment.started" in actions:  # cancelled while running, not while queued
        assert actions[-1] == "assessment.interrupted"


def test_chat_streams_events_and_keeps_the_conversation(api: Api) -> None:
    reply = api.call("POST", "/workspaces/qa/chat",
                     json={"question": "What does clause 6.1 require?",
                           "framework": "iso27001-2022"})
    assert reply.status_code == 200 and reply.headers["content-type"].startswith(
        "text/event-stream")
    stream = events(reply.text)
    assert {name for name, _ in stream[:-1]} == {"token"}
    name, done = stream[-1]
    assert name == "done" and done["answer"]
    assert done["answer"] == "".join(data["text"] for _, data in stream[:-1]).strip()
    assert {"kind": "requirement", "framework": "iso27001-2022", "ref": "6.1"} in [
        {k: c[k] for k in ("kind", "framework", "ref")} for c in done["citations"]]
    conversation = done["conversation_id"]
    follow_up = api.call("POST", "/workspaces/qa/chat",
                         json={"question": "and what evidence for it?",
                               "conversation_id": conversation})
    assert events(follow_up.text)[-1][1]["conversation_id"] == conversation
    listed = api.ok("GET", "/workspaces/qa/conversations")["conversations"]
    assert [c["id"] for c in listed] == [conversation]
    history = api.ok("GET", f"/workspaces/qa/conversations/{conversation}")
    assert [m["role"] for m in history["messages"]] == ["user", "assistant"] * 2
    for body, code in (({"question": "x", "conversation_id": "nope"}, 404),
                       ({"question": "x", "framework": "nope"}, 404), ({"question": ""}, 422)):
        assert api.call("POST", "/workspaces/qa/chat", json=body).status_code == code
    other = api.member("olga", "qa", "viewer")
    assert api.ok("GET", "/workspaces/qa/conversations", other) == {"conversations": []}
    assert api.call("GET", f"/workspaces/qa/conversations/{conversation}",
                    other).status_code == 404
