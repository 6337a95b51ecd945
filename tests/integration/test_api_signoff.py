"""Sign-off over HTTP: the signer re-enters their token, the assessment locks, re-opening."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from service.components.embedding import FakeEmbedder
from tests.api_helpers import Api, api_settings
from tests.assessments import store_assessment

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    folder = tmp_path_factory.mktemp("api-signoff")
    with Api(api_settings(folder / "data"), FakeEmbedder()) as client:
        client.workspace("qa")
        yield client


@pytest.fixture(scope="module")
def tokens(api: Api) -> dict[str, str]:
    return {"rita": api.member("rita", "qa", "reviewer"),
            "vera": api.member("vera", "qa", "viewer")}


def test_sign_lock_reopen(api: Api, tokens: dict[str, str]) -> None:
    rita = tokens["rita"]
    assessment = store_assessment(api.services.context.sessions, {"A.5.15": 2})
    base = f"/workspaces/qa/assessments/{assessment}"
    review = f"{base}/proposals/A.5.15/review"
    approve = {"meaning": "approved", "token": rita}
    assert api.call("POST", f"{base}/signatures", tokens["vera"],
                    json={"meaning": "approved", "token": tokens["vera"]}).status_code == 403
    wrong = api.call("POST", f"{base}/signatures", rita,
                     json={"meaning": "approved", "token": tokens["vera"]})
    assert wrong.status_code == 403 and "re-entered API token" in wrong.json()["error"]["message"]
    assert api.call("POST", f"{base}/signatures", rita,
                    json={"meaning": "authored", "token": rita}).status_code == 422
    signed = api.ok("POST", f"{base}/signatures", rita, status=201, json=approve)
    assert (signed["signer"], signed["meaning"], signed["active"], signed["content_intact"]) == (
        "rita", "approved", True, True)
    assert signed["signed_at"].endswith(("Z", "+00:00"))
    shown = api.ok("GET", base, tokens["vera"])["signatures"]
    assert [s["id"] for s in shown] == [signed["id"]]
    locked = api.call("POST", review, rita, json={"action": "accept"})
    assert locked.status_code == 409
    assert "re-open it first" in locked.json()["error"]["message"]
    assert api.call("POST", f"{base}/reopen", tokens["vera"],
                    json={"comment": "x"}).status_code == 403
    voided = api.ok("POST", f"{base}/reopen", rita, json={"comment": "late evidence"})
    assert [(s["active"], s["voided_by"]) for s in voided["signatures"]] == [(False, "rita")]
    assert api.call("POST", review, rita, json={"action": "accept"}).status_code == 201
    listed = api.ok("GET", f"{base}/signatures", tokens["vera"])["signatures"]
    assert [(s["active"], s["content_intact"]) for s in listed] == [(False, False)]
    actions = [e["action"] for e in api.ok("GET", "/audit?workspace=qa")["events"]]
    assert actions[-4:] == ["signature.refused", "assessment.signed", "assessment.reopened",
                            "review.accept"]
    assert api.ok("GET", "/audit/verify")["ok"] is True


def test_the_data_dir_holds_the_key_and_the_anchors(api: Api) -> None:
    data: Path = api.settings.data_dir
    assert (data / "audit.key").stat().st_mode & 0o777 == 0o600
    anchors = (data / "audit-anchors.jsonl").read_text().splitlines()
    assert anchors and '"seq"' in anchors[-1]
    verified = api.ok("GET", "/audit/verify")
    assert verified["anchor"]["seq"] == verified["events"]
