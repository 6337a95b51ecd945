"""The whole loop over HTTP, on SQLite and PostgreSQL: upload, assess, review, report, audit.

Real embeddings and Chroma; the scripted LLM with the verifier off, so that the loop is
fast. `test_api_real_llm.py` runs the same loop once on the local model.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.api_helpers import Api, api_settings
from tests.conftest import SAMPLES, CachingEmbedder

pytestmark = pytest.mark.integration
pytest_plugins = ["tests.databases"]
FRAMEWORK = "iso27001-2022"
SUBSET = ["A.5.15", "A.5.18", "A.8.13"]
FILES = ("access_control_policy.docx", "access_review_minutes_2026_q3.docx",
         "backup_restore_standard.pdf", "backup_restore_test_log_2026.csv")


def assess(api: Api, token: str, subset: list[str]) -> str:
    """Start an assessment, poll its job to the end, and return the assessment id."""
    job = api.ok("POST", "/workspaces/qa/assessments", token, status=202,
                 json={"framework": FRAMEWORK, "requirements": subset})
    assert job["state"] in ("queued", "running") and job["workspace"] == "qa"
    done = api.wait(job["id"], token)
    assert done["state"] == "done", done
    assert (done["percent"], done["error"]) == (100.0, None)
    assert done["current"] in subset
    assessment_id: str = done["result"]
    return assessment_id


def review_loop(api: Api, subset: list[str], files: tuple[str, ...] = FILES) -> dict[str, Any]:
    """Upload, assess, accept one, override one, report, verify the audit log, re-run, compare."""
    api.workspace("qa")
    assessor = api.member("axel", "qa", "assessor")
    reviewer = api.member("rita", "qa", "reviewer")
    for name in files:
        uploaded = api.upload("qa", SAMPLES / name, assessor)
        assert uploaded.status_code == 201, uploaded.text
        assert uploaded.json()["status"] == "indexed"
    first = assess(api, assessor, subset)
    results = api.ok("GET", f"/workspaces/qa/assessments/{first}", reviewer)
    assert [r["ref_id"] for r in results["results"]] == subset
    proposals = api.ok("GET", f"/workspaces/qa/assessments/{first}/proposals", reviewer)
    assert {p["review_state"] for p in proposals["proposals"]} == {"pending"}
    accepted, overridden = subset[0], subset[1]
    proposed = {p["ref_id"]: p["proposed_level"] for p in proposals["proposals"]}
    new_level = 4 if proposed[overridden] != 4 else 3
    base = f"/workspaces/qa/assessments/{first}/proposals"
    api.ok("POST", f"{base}/{accepted}/review", reviewer, status=201, json={"action": "accept"})
    override = api.ok("POST", f"{base}/{overridden}/review", reviewer, status=201,
                      json={"action": "override", "level": new_level,
                            "comment": "the Q3 minutes show quarterly reviews"})
    assert (override["reviewer"], override["level"]) == ("rita", new_level)

    report = api.ok("GET", f"/workspaces/qa/assessments/{first}/report", reviewer)
    assert report["review"]["accepted"] == 1 and report["review"]["overridden"] == 1
    assert sum(t["requirements"] for t in report["themes"]) == len(subset)
    verified = api.ok("GET", "/audit/verify")
    assert verified["ok"] is True and verified["first_broken"] is None
    events = api.ok("GET", "/audit", params={"workspace": "qa", "limit": 1000})["events"]
    actions = [(e["actor"], e["action"]) for e in events]
    assert ("axel", "document.indexed") in actions
    assert ("axel", "assessment.completed") in actions
    assert ("rita", "review.override") in actions

    second = assess(api, assessor, subset)
    carried = api.ok("GET", f"/workspaces/qa/assessments/{second}/proposals", reviewer,
                     params={"review_state": "overridden"})["proposals"]
    assert [(p["ref_id"], p["carried_over"], p["level"]) for p in carried] == [
        (overridden, True, new_level)]
    comparison = api.ok("GET", "/workspaces/qa/assessments/compare", reviewer,
                        params={"a": first, "b": second})
    deltas = {r["ref_id"]: r for r in comparison["requirements"]}
    assert deltas[overridden]["a_level"] == deltas[overridden]["b_level"] == new_level
    assert (comparison["a"]["assessment_id"], comparison["b"]["assessment_id"]) == (first, second)
    return {"first": first, "second": second, "report": report, "proposed": proposed}


def test_the_review_loop_over_http(
    db_url: str, tmp_path: Path, cached_embedder: CachingEmbedder
) -> None:
    settings = api_settings(tmp_path / "data", db_url, scoring={"verify": False})
    with Api(settings, cached_embedder) as api:
        outcome = review_loop(api, SUBSET)
        assert max(outcome["proposed"].values()) > 0  # the samples are evidence
        documents = api.ok("GET", "/workspaces/qa/documents")["documents"]
        minutes = next(d for d in documents if d["document"] == FILES[1])
        original = api.call("GET", f"/workspaces/qa/documents/{minutes['id']}/original")
        assert original.content == (SAMPLES / FILES[1]).read_bytes()
        again = api.upload("qa", SAMPLES / FILES[1])
        assert (again.status_code, again.json()["status"]) == (201, "unchanged")
        api.ok("DELETE", f"/workspaces/qa/documents/{minutes['id']}", status=204)
        assert api.call("GET", f"/workspaces/qa/documents/{minutes['id']}").status_code == 404
        hits = api.ok("GET", "/workspaces/qa/search",
                      params={"q": "quarterly access review minutes", "k": 20})["results"]
        assert hits and all(h["document"] != FILES[1] for h in hits)
