"""Roles, user names and the CLI's actor."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from service.cli import app
from service.cli.access import cli_actor
from service.domain.access import Role, parse_role, role_allows, validate_user_name
from service.domain.review import RequirementReview, ReviewAction, ReviewRecord, ReviewState
from service.errors import InvalidInputError


def test_role_matrix() -> None:
    allowed = {(held, needed) for held in Role for needed in Role if role_allows(held, needed)}
    assert allowed == {
        (Role.VIEWER, Role.VIEWER), (Role.REVIEWER, Role.VIEWER), (Role.ASSESSOR, Role.VIEWER),
        (Role.REVIEWER, Role.REVIEWER), (Role.ASSESSOR, Role.ASSESSOR),
    }


def test_roles_and_user_names_are_validated() -> None:
    assert parse_role(" Reviewer ") == Role.REVIEWER
    with pytest.raises(InvalidInputError, match="viewer, reviewer, assessor"):
        parse_role("admin")
    for good in ("alice", "a.b-c_d", "alice@example.com", "7"):
        assert validate_user_name(good) == good
    for bad in ("", "cli:bob", "-x", "a b", "x" * 101):
        with pytest.raises(InvalidInputError):
            validate_user_name(bad)


def test_the_cli_acts_as_its_os_user(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("getpass.getuser", lambda: "carol")
    assert cli_actor() == "cli:carol"

    def no_user() -> str:
        raise OSError("no user")

    monkeypatch.setattr("getpass.getuser", no_user)
    assert cli_actor() == "cli:unknown"


def test_review_needs_exactly_one_action(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ASSAY_DATA_DIR", str(tmp_path))
    for extra in ([], ["--accept", "--na"], ["--accept", "--override", "3"]):
        result = CliRunner().invoke(app, ["review", "some-id", "A.5.15", *extra])
        assert result.exit_code == 2
        assert "exactly one of --accept, --override LEVEL or --na" in result.stderr
    assert not (tmp_path / "assay.db").exists()


def test_a_carried_over_review_sets_the_level() -> None:
    review = ReviewRecord(id=1, assessment_id="old", ref_id="A.5.15",
                          action=ReviewAction.OVERRIDE, level=4, proposed_level=2, comment="x",
                          reviewer="rita", created_at=datetime.now(UTC))
    status = RequirementReview(assessment_id="new", ref_id="A.5.15", title="t", theme="th",
                               proposed_level=3, state=ReviewState.CHANGED, review=review)
    assert (status.level, status.carried_over) == (4, True)
    pending = status.model_copy(update={"review": None, "state": ReviewState.PENDING})
    assert (pending.level, pending.carried_over) == (3, False)
    assert json.loads(status.model_dump_json())["state"] == "changed_since_review"
