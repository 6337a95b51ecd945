"""Settings come from the data dir's file and the environment, the environment winning."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from service.settings import get_settings


def test_defaults(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ASSAY_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("ASSAY_LLM__MODE", raising=False)
    settings = get_settings()
    assert settings.llm.mode == "local"
    assert settings.vectorstore.mode == "persistent"
    assert settings.database_url == f"sqlite:///{tmp_path.resolve() / 'assay.db'}"
    assert settings.ingest.max_file_bytes == 50 * 1024 * 1024


def test_environment_overrides_the_settings_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "settings.yaml").write_text(
        "llm: {mode: fake}\nvectorstore: {mode: http, port: 9000}\n"
    )
    monkeypatch.setenv("ASSAY_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("ASSAY_VECTORSTORE__PORT", "9100")
    monkeypatch.setenv("ASSAY_DB__URL", "postgresql+psycopg://u@h/db")
    settings = get_settings()
    assert settings.llm.mode == "fake"
    assert (settings.vectorstore.mode, settings.vectorstore.port) == ("http", 9100)
    assert settings.database_url == "postgresql+psycopg://u@h/db"


def test_unknown_or_invalid_values_are_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ASSAY_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("ASSAY_LLM__MODE", "gpt-9")
    with pytest.raises(ValidationError, match=r"llm\.mode"):
        get_settings()
