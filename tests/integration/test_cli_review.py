"""`assay review|audit|users|workspaces|members|tokens|assessments compare`: output, exit codes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from typer.testing import CliRunner, Result

from service.cli import app
from service.db import Session, sessionmaker
from service.pipeline.audit import list_events
from service.pipeline.users import authenticate
from tests.assessments import store_assessment

pytestmark = pytest.mark.integration
pytest_plugins = ["tests.databases"]


@pytest.fixture
def env(db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ASSAY_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("ASSAY_DB__URL", db_url)
    monkeypatch.setenv("ASSAY_EMBEDDING__MODE", "fake")


def run(*args: str) -> Result:
    return CliRunner().invoke(app, list(args))


def run_json(*args: str) -> Any:
    result = run(*args, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_users_workspaces_members_and_tokens(env: None, sessions: sessionmaker[Session]) -> None:
    assert run("users", "create", "root", "--admin").stdout == "created user root (admin)\n"
    assert run_json("users", "create", "bob")["is_admin"] is False
    duplicate = run("users", "create", "bob")
    assert (duplicate.exit_code, duplicate.stderr) == (1, "error: user 'bob' already exists\n")
    assert run("workspaces", "create", "qa").exit_code == 0
    assert run("workspaces", "create", "Bad Name").exit_code == 2
    assert run_json("members", "add", "qa", "bob", "--role", "reviewer") == {
        "workspace": "qa", "user": "bob", "role": "reviewer"}
    assert run("members", "add", "qa", "bob", "--role", "boss").exit_code == 2
    assert run("members", "add", "qa", "ghost", "--role", "viewer").exit_code == 1
    assert run("members", "add", "qa", "bob").exit_code == 2
    issued = run("tokens", "create", "bob")
    assert issued.exit_code == 0 and "shown once" in issued.stderr
    [token] = issued.stdout.splitlines()
    assert token.startswith("assay_")
    assert run("users", "create", "eve", "--as", "bob").exit_code == 1
    assert run("users", "create", "eve", "--as", "root").exit_code == 0
    with sessions() as session:
        user = authenticate(session, token)
        actors = [e.actor for e in list_events(session)]
    assert user is not None and user.name == "bob"
    assert actors[-1] == "root" and all(a.startswith("cli:") for a in actors[:-1])


def test_review_commands(env: None, sessions: sessionmaker[Session]) -> None:
    setup: list[tuple[str, ...]] = [
        ("users", "create", "rita"), ("users", "create", "vera"), ("workspaces", "create", "qa"),
        ("members", "add", "qa", "rita", "--role", "reviewer"),
        ("members", "add", "qa", "vera", "--role", "viewer"),
    ]
    for args in setup:
        assert run(*args).exit_code == 0
    first = store_assessment(sessions, {"A.5.15": 2, "A.5.16": 3, "A.8.1": 1}, age_days=1)
    accepted = run("review", first, "a.5.15", "--accept")
    assert accepted.exit_code == 0, accepted.output
    assert "accepted A.5.15: level 2 (proposed 2)" in accepted.stdout
    override = run_json("review", first, "A.5.16", "--override", "4", "--comment", "records",
                        "--as", "rita")
    assert (override["action"], override["level"], override["reviewer"]) == ("override", 4, "rita")
    for args, code in [
        (("A.8.1",), 2), (("A.8.1", "--accept", "--na"), 2), (("A.8.1", "--na"), 2),
        (("A.8.1", "--override", "3"), 2), (("A.8.1", "--override", "9", "--comment", "x"), 2),
        (("A.8.1", "--override", "high", "--comment", "x"), 2), (("Z.9", "--accept"), 1),
        (("A.8.1", "--accept", "--as", "vera"), 1), (("A.8.1", "--accept", "--as", "ghost"), 1),
    ]:
        result = run("review", first, *args)
        assert result.exit_code == code, (args, result.output)
    assert run("review", "no-such-id", "A.8.1", "--accept").exit_code == 1
    assert run("review", first, "A.8.1", "--na", "--comment", "no endpoints").exit_code == 0
    second = store_assessment(sessions, {"A.5.15": 3, "A.5.16": 4})
    report = run("report", second)
    assert report.exit_code == 0, report.output
    assert ("review: pending 0, accepted 0, overridden 1, na 0, changed since review 1"
            in report.stdout)
    compared = run_json("assessments", "compare", first, second)
    assert {r["ref_id"]: (r["delta"], r["b_proposed"], r["b_state"])
            for r in compared["requirements"]} == {
        "A.5.15": (0, 3, "changed_since_review"), "A.5.16": (0, 4, "overridden"),
        "A.8.1": (None, None, None)}
    assert "Organizational controls" in run("assessments", "compare", first, second).stdout
    other = store_assessment(sessions, {"A.5.15": 1}, framework="iso9001-2015")
    assert run("assessments", "compare", first, other).exit_code == 2


def test_audit_verify_exits_1_when_broken(env: None, sessions: sessionmaker[Session]) -> None:
    for name in ("ann", "ben", "cid"):
        assert run("users", "create", name).exit_code == 0
    verified = run_json("audit", "verify")
    assert verified | {"anchor": None} == {
        "ok": True, "events": 3, "first_broken": None, "problem": None, "detail": None,
        "keyed_from": 1, "anchor": None}
    assert verified["anchor"]["seq"] == 3
    assert run("audit", "verify").stdout == "audit log intact: 3 events\n"
    listed = run_json("audit", "list")["events"]
    assert [e["target"] for e in listed] == ["user:ann", "user:ben", "user:cid"]
    with sessions() as session:
        if session.connection().dialect.name == "postgresql":
            session.execute(text("ALTER TABLE audit_events DISABLE TRIGGER USER"))
        else:
            session.execute(text("DROP TRIGGER audit_events_no_update"))
        session.execute(text("UPDATE audit_events SET actor = 'mallory' WHERE seq = 2"))
        session.commit()
    broken = run("audit", "verify", "--json")
    assert broken.exit_code == 1
    assert json.loads(broken.stdout) | {"anchor": None, "detail": None} == {
        "ok": False, "events": 3, "first_broken": 2, "problem": "rewritten", "detail": None,
        "keyed_from": 1, "anchor": None}
    assert "event 2 does not match its keyed hash" in broken.stderr
    refused = run("audit", "anchor")
    assert (refused.exit_code, "not anchored" in refused.stderr) == (1, True)


def test_audit_anchor_and_a_rollback_by_name(env: None, sessions: sessionmaker[Session],
                                             tmp_path: Path) -> None:
    assert run("users", "create", "ann").exit_code == 0
    anchors = tmp_path / "data" / "audit-anchors.jsonl"
    anchored = run_json("audit", "anchor")
    assert (anchored["seq"], anchored["path"]) == (1, str(anchors))
    assert len(anchors.read_text().splitlines()) == 2
    assert run("users", "create", "ben").exit_code == 0
    with sessions() as session:
        if session.connection().dialect.name == "postgresql":
            session.execute(text("ALTER TABLE audit_events DISABLE TRIGGER USER"))
        else:
            session.execute(text("DROP TRIGGER audit_events_no_delete"))
        session.execute(text("DELETE FROM audit_events WHERE seq = 2"))
        session.execute(text("UPDATE audit_head SET seq = 1, hash = "
                             "(SELECT hash FROM audit_events WHERE seq = 1)"))
        session.commit()
    rolled = run("audit", "verify", "--json")
    assert rolled.exit_code == 1
    assert json.loads(rolled.stdout)["problem"] == "rolled_back"
    assert "older copy" in rolled.stderr
