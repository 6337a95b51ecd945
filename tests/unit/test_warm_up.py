"""Start-up: parts built before the first request, the local model primed, failures logged."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from service.app import create_app
from service.components.embedding import FakeEmbedder
from service.components.llm import DelegatingLLM, fake_llm
from service.components.prompts import load_prompt
from service.composition import Services
from service.pipeline.chat import prime_chat_model
from tests.api_helpers import api_settings


class GenerateRecorder(DelegatingLLM):
    """Records ``generate`` calls of the scripted model."""

    def __init__(self) -> None:
        super().__init__(fake_llm(["ok"]))
        self.calls: list[tuple[str, str, int]] = []

    def generate(self, system: str, user: str, max_tokens: int) -> str:
        self.calls.append((system, user, max_tokens))
        return self.inner.generate(system, user, max_tokens)


def test_priming_evaluates_the_chat_system_prompt_with_one_token() -> None:
    recorder = GenerateRecorder()
    prime_chat_model(recorder)
    assert recorder.calls == [(load_prompt("chat-answer").system, "", 1)]


@pytest.mark.parametrize("warm_up", [True, False])
def test_the_app_builds_its_parts_as_it_starts(tmp_path: Path, warm_up: bool) -> None:
    app = create_app(api_settings(tmp_path / "data"), embedder=FakeEmbedder(), warm_up=warm_up)
    services: Services = app.state.services
    assert not services._context.ready
    with TestClient(app):
        assert services._context.ready and services._registry.ready and services._jobs.ready


def test_a_bad_local_model_stops_the_warm_up_with_a_logged_reason(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ASSAY_LLM__MODE", "local")
    settings = api_settings(tmp_path / "data", llm={"mode": "local"})
    model = settings.data_dir / "models" / settings.llm.local.model_file
    model.parent.mkdir(parents=True)
    model.write_bytes(b"not a model")
    services = Services(settings, embedder=FakeEmbedder())
    with caplog.at_level(logging.WARNING):
        services.warm_up()  # does not raise: the first chat request reports the problem
    assert "warm-up stopped" in caplog.text and "bytes, expected" in caplog.text
