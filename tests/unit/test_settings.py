"""Settings come from the data dir's file and the environment, the environment winning."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from service.components.embedding import build_embedder
from service.pipeline.scoring_setup import maturity_labels, thresholds
from service.settings import DEFAULT_EMBEDDING_MODEL, Settings, get_settings


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


def test_a_list_in_the_settings_file_is_refused_in_plain_words(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "settings.yaml").write_text("- llm\n- fake\n")
    monkeypatch.setenv("ASSAY_DATA_DIR", str(tmp_path))
    with pytest.raises(ValueError, match="must hold a mapping"):
        get_settings()


def test_the_embedding_model_and_the_record_cut_offs_are_settings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ASSAY_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("ASSAY_EMBEDDING__MODEL", "/models/my-sentence-model")
    monkeypatch.setenv("ASSAY_SCORING__RECORD_MET_THRESHOLD", "0.6")
    settings = get_settings()
    embedder = build_embedder(settings.embedding)
    assert embedder.model_name == "/models/my-sentence-model"  # what collections record
    cut_offs = thresholds(settings.scoring)
    assert (cut_offs.record_met, cut_offs.record_partial) == (0.6, 0.45)
    monkeypatch.delenv("ASSAY_EMBEDDING__MODEL")
    assert build_embedder(Settings().embedding).model_name == DEFAULT_EMBEDDING_MODEL


def test_maturity_labels_come_from_the_corpus() -> None:
    assert maturity_labels(Settings()) == (
        "Non-existent", "Initial", "Managed", "Defined", "Measured", "Optimizing")
