"""Mode ``openai`` against a real OpenAI-compatible server: llama-cpp-python's own."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from pydantic import BaseModel

from service.components.llm import build_llm
from service.settings import LLMSettings, LocalLLMSettings

pytestmark = [pytest.mark.integration, pytest.mark.real_llm]

SERVED_MODEL = "qwen-local"
STARTUP_SECONDS = 60
SYSTEM = "You check compliance evidence. Judge only the sentence you are given."


class Finding(BaseModel):
    activity: str
    frequency: str


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_until_serving(server: subprocess.Popen[bytes], url: str, log: Path) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"llama_cpp.server exited early:\n{log.read_text()[-2000:]}")
        try:
            if httpx.get(f"{url}/models", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.25)
    pytest.fail(f"llama_cpp.server did not answer in {STARTUP_SECONDS} s")


@pytest.fixture(scope="module")
def server_url(
    local_model_data_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """``python -m llama_cpp.server`` on a free loopback port, for this module only."""
    model = local_model_data_dir / "models" / LocalLLMSettings().model_file
    port = free_port()
    log = tmp_path_factory.mktemp("llama-server") / "server.log"
    command = [
        sys.executable, "-m", "llama_cpp.server", "--model", str(model),
        "--model_alias", SERVED_MODEL, "--host", "127.0.0.1", "--port", str(port),
        "--n_ctx", "2048", "--n_threads", str(os.cpu_count() or 1),
    ]  # fmt: skip
    with log.open("wb") as sink:
        server = subprocess.Popen(command, stdout=sink, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/v1"
    try:
        wait_until_serving(server, url, log)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def test_choose_structured_and_generate_through_the_openai_api(
    server_url: str, tmp_path: Path
) -> None:
    settings = LLMSettings(
        mode="openai",
        openai={
            "base_url": server_url,
            "model": SERVED_MODEL,
            "dialect": "llama_cpp",
            "timeout": 60,
        },
    )
    llm = build_llm(settings, tmp_path)
    assert llm.model_id == f"openai:{SERVED_MODEL}"

    question = "Does this sentence say that backups are tested? Sentence: '{}'"
    assert (
        llm.choose(SYSTEM, question.format("Restore tests are run every quarter."), ["yes", "no"])
        == "yes"
    )
    choice_usage = llm.usage()
    assert choice_usage.completion_tokens <= 2  # the grammar travelled in the request body

    finding = llm.structured(SYSTEM, "Describe: 'Restore tests are run every quarter.'", Finding)
    assert "quarter" in finding.frequency.lower()
    assert llm.generate(
        SYSTEM, "Rephrase in a few words: 'Backups are tested.'", max_tokens=8
    ).strip()
    usage = llm.usage()
    assert usage.calls == 3
    assert usage.prompt_tokens > choice_usage.prompt_tokens > 20
