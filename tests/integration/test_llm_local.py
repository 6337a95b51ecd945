"""The packaged Qwen2.5-Coder-1.5B GGUF, assembled, verified and run in-process."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from pydantic import BaseModel, Field

from service.components.llm import LLM, build_llm
from service.components.llm.weights import QWEN_CODER_1_5B_Q4_K_M, stamp_path
from service.settings import LLMSettings, LocalLLMSettings

pytestmark = [pytest.mark.integration, pytest.mark.real_llm]

SYSTEM = "You check compliance evidence. Judge only the sentence you are given."
BACKUP_QUESTION = "Does this sentence say that backups are tested? Sentence: '{sentence}'"


class Finding(BaseModel):
    activity: str = Field(description="what is done")
    frequency: str = Field(description="how often it is done")


@pytest.fixture(scope="module")
def local_llm(local_model_data_dir: Path) -> LLM:
    """One model for the module: built from settings, loaded once."""
    return build_llm(LLMSettings(mode="local"), local_model_data_dir)


def test_the_assembled_model_is_verified_and_stamped(local_model_data_dir: Path) -> None:
    model = local_model_data_dir / "models" / LocalLLMSettings().model_file
    assert model.stat().st_size == QWEN_CODER_1_5B_Q4_K_M.size
    assert stamp_path(model).read_text().strip() == QWEN_CODER_1_5B_Q4_K_M.sha256
    assert model.read_bytes()[:4] == b"GGUF"


def test_choose_is_one_constrained_token(local_llm: LLM) -> None:
    before = local_llm.usage()
    tested = BACKUP_QUESTION.format(sentence="Restore tests are run every quarter.")
    untested = BACKUP_QUESTION.format(sentence="The canteen opens at noon.")
    assert local_llm.choose(SYSTEM, tested, ["yes", "no"]) == "yes"
    assert local_llm.choose(SYSTEM, untested, ["yes", "no"]) == "no"
    after = local_llm.usage()
    assert after.calls - before.calls == 2
    assert after.completion_tokens - before.completion_tokens <= 4  # an answer token, then end
    assert local_llm.model_id == "local:qwen2.5-coder-1.5b-instruct-q4_k_m"


def test_structured_generate_stream_and_speed(
    local_llm: LLM, capsys: pytest.CaptureFixture[str]
) -> None:
    sentence = "Restore tests are run every quarter."
    started, before = time.perf_counter(), local_llm.usage()
    finding = local_llm.structured(SYSTEM, f"Describe this sentence: '{sentence}'", Finding)
    decode_seconds, after = time.perf_counter() - started, local_llm.usage()
    assert isinstance(finding, Finding)
    assert "quarter" in finding.frequency.lower()

    text = local_llm.generate(SYSTEM, f"Rephrase in a few words: '{sentence}'", max_tokens=16)
    assert text.strip()
    pieces = list(local_llm.stream(SYSTEM, f"Rephrase in a few words: '{sentence}'", 16))
    assert len(pieces) > 1
    assert "".join(pieces).strip()

    long_prompt = "Summarise: " + " ".join(f"Control {n} is reviewed yearly." for n in range(40))
    started, before_prefill = time.perf_counter(), local_llm.usage()
    local_llm.generate(SYSTEM, long_prompt, max_tokens=1)
    prefill_seconds, after_prefill = time.perf_counter() - started, local_llm.usage()
    prefill_tokens = after_prefill.prompt_tokens - before_prefill.prompt_tokens
    decoded = after.completion_tokens - before.completion_tokens
    assert prefill_tokens > 300
    assert decoded > 5
    with capsys.disabled():
        print(
            f"\nlocal LLM: prefill {prefill_tokens / prefill_seconds:.0f} tokens/s "
            f"({prefill_tokens} tokens), JSON-constrained decoding "
            f"{decoded / decode_seconds:.1f} tokens/s ({decoded} tokens; the uncached prompt "
            f"part, about 20 tokens, included)"
        )
