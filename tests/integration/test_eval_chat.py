"""`assay eval --suite chat` asks each kind of chat question, not only "what does X require"."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from service.cli import app

pytestmark = pytest.mark.integration


def test_the_chat_suite_covers_requirements_comparisons_and_evidence(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    result = CliRunner().invoke(app, [
        "eval", "--suite", "chat", "--llm", "fake", "--limit", "1", "--json",
        "--data-dir", str(tmp_path / "data")])
    assert result.exit_code == 0, result.output
    chat = json.loads(result.stdout)["chat"]
    answers = {a["kind"]: a for a in chat["answers"]}
    assert chat["cases"] == 3 and set(answers) == {"requirement", "compare", "evidence"}
    assert all(a["right_citation"] for a in answers.values()), answers
    assert chat["unsupported_sentences_shown"] == 0
    assert {"right_citation_rate", "mean_answer_s", "mean_first_text_s"} <= chat.keys()
