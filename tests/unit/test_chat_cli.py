"""`assay chat`: streamed text, exactly one JSON object with --json, and exit codes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from service.cli import app

REPLY = "Clause 6.1 asks for risk planning."
CITATION_KEYS = {"kind", "framework", "ref", "field", "document", "page", "heading", "chunk_id",
                 "quote", "label"}


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("ASSAY_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("ASSAY_EMBEDDING__MODE", "fake")
    monkeypatch.setenv("ASSAY_LLM__FAKE__RESPONSES", json.dumps([REPLY]))
    return tmp_path


def run(*args: str) -> Result:
    return CliRunner().invoke(app, ["chat", *args])


def run_json(*args: str) -> Any:
    result = run(*args, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_json_is_one_object_in_the_cli_md_shape() -> None:
    answer = run_json("What does clause 6.1 require?", "--framework", "iso27001-2022")
    assert {"answer", "conversation_id", "citations"} <= set(answer)
    assert f"\n{REPLY}\nParts:\n- 6.1.1 General" in answer["answer"]
    assert answer["citations"][0] == {
        "kind": "requirement", "framework": "iso27001-2022", "ref": "6.1", "field": None,
        "document": None, "page": None, "heading": None, "chunk_id": None, "quote": None,
        "label": "iso27001-2022 6.1"}
    assert all(set(c) == CITATION_KEYS for c in answer["citations"])
    follow_up = run_json("and what evidence for it?", "--conversation",
                         answer["conversation_id"])
    assert follow_up["conversation_id"] == answer["conversation_id"]
    assert follow_up["answer"].startswith("Following up on iso27001-2022 6.1.")


def test_without_json_the_answer_streams_with_its_sources() -> None:
    result = run("What does clause 6.1 require?", "-f", "iso27001-2022", "-w", "qa")
    assert result.exit_code == 0, result.output
    assert REPLY in result.stdout
    assert "requirement: iso27001-2022 6.1.2" in result.stdout
    assert "--conversation to follow up" in result.stdout


def test_no_source_answer_and_notes() -> None:
    answer = run_json("What does A.99.1 require?")
    assert answer["citations"] == []
    assert answer["notes"] == ['There is no requirement "A.99.1" in any framework.']
    assert "I found no source for this" in answer["answer"]


@pytest.mark.parametrize(("args", "code", "message"), [
    (("  ",), 2, "the question is empty"),
    (("x" * 2001,), 2, "longer than 2000 characters"),
    (("hello", "--workspace", "Bad Name!"), 2, "workspace"),
    (("hello", "--framework", "iso99999"), 1, "unknown framework 'iso99999'"),
    (("hello", "--conversation", "nope"), 1, "no conversation 'nope'"),
])
def test_errors_exit_with_a_message(args: tuple[str, ...], code: int, message: str) -> None:
    result = run(*args, "--json")
    assert result.exit_code == code
    assert message in result.output
    assert result.stdout == ""
