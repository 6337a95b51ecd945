"""`assay signoff` and `assay reopen`: the token is re-entered, the lock shows in `assay review`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from service.cli import app
from service.db import Session, sessionmaker
from tests.assessments import store_assessment

pytestmark = pytest.mark.integration
pytest_plugins = ["tests.databases"]


@pytest.fixture
def env(db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ASSAY_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("ASSAY_DB__URL", db_url)
    monkeypatch.setenv("ASSAY_EMBEDDING__MODE", "fake")


def run(*args: str, stdin: str | None = None) -> Result:
    return CliRunner().invoke(app, list(args), input=stdin)


def test_signoff_and_reopen(env: None, sessions: sessionmaker[Session], tmp_path: Path) -> None:
    assessment = store_assessment(sessions, {"A.5.15": 2})
    assert run("users", "create", "rita").exit_code == 0
    assert run("members", "add", "qa", "rita", "--role", "reviewer").exit_code == 0
    token = run("tokens", "create", "rita").stdout.strip()
    wrong = tmp_path / "wrong.txt"
    wrong.write_text("assay_not-ritas\n")
    refused = run("signoff", assessment, "--meaning", "approved", "--as", "rita",
                  "--token-file", str(wrong))
    assert refused.exit_code == 1 and "re-entered API token" in refused.stderr
    assert run("signoff", assessment, "--meaning", "blessed", "--as", "rita",
               stdin=token + "\n").exit_code == 2
    signed = run("signoff", assessment, "--meaning", "approved", "--as", "rita", "--json",
                 stdin=token + "\n")
    assert signed.exit_code == 0, signed.output
    body = json.loads(signed.stdout)
    assert (body["signer"], body["meaning"], body["assessment_id"]) == (
        "rita", "approved", assessment)
    locked = run("review", assessment, "A.5.15", "--accept", "--as", "rita")
    assert locked.exit_code == 1 and "re-open it first" in " ".join(locked.stderr.split())
    assert run("reopen", assessment, "--as", "rita").exit_code == 2
    reopened = run("reopen", assessment, "--comment", "new records", "--as", "rita", "--json")
    assert reopened.exit_code == 0, reopened.output
    assert json.loads(reopened.stdout)["voided"][0]["void_reason"] == "new records"
    assert run("review", assessment, "A.5.15", "--accept", "--as", "rita").exit_code == 0
    verified = json.loads(run("audit", "verify", "--json").stdout)
    assert verified["ok"] is True


def test_db_migrate_and_grants(env: None) -> None:
    migrated = run("db", "migrate", "--json")
    assert (migrated.exit_code, json.loads(migrated.stdout)) == (0, {"migrated": True})
    grants = run("db", "grants", "assay_app", "--schema", "assay")
    assert grants.exit_code == 0
    assert ('REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON "assay".audit_events '
            'FROM "assay_app";') in grants.stdout.splitlines()
    assert run("db", "grants", "Bad-Role").exit_code == 2
