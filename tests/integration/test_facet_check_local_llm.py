"""The facet check on the embedded 1.5B model: P(yes) from llama.cpp's logits, per pair."""

from __future__ import annotations

from pathlib import Path

import pytest

from service.components.llm import LLM, build_llm
from service.components.llm.base import OptionScorer
from service.components.prompts import load_prompt
from service.pipeline.prompting import render
from service.pipeline.score.verify import OPTIONS, ModelCutOffs, Verifier
from service.settings import LLMSettings

pytestmark = [pytest.mark.integration, pytest.mark.real_llm]
FACET = "Access rights are reviewed at regular intervals."
SHOWS = "Access rights of all users are reviewed every six months by the system owner."
RELATED = "Access control is covered by this policy."


@pytest.fixture(scope="module")
def local_llm(local_model_data_dir: Path) -> LLM:
    return build_llm(LLMSettings(mode="local"), local_model_data_dir)


def test_the_local_model_gives_probabilities_that_rank_a_showing_sentence_first(
        local_llm: LLM) -> None:
    assert isinstance(local_llm, OptionScorer)
    system, user = render(load_prompt("verify-facet"), facet=FACET, sentence=SHOWS)
    probabilities = local_llm.option_probabilities(system, user, OPTIONS)
    assert probabilities is not None
    assert set(probabilities) == set(OPTIONS)
    assert sum(probabilities.values()) == pytest.approx(1.0)
    verifier = Verifier(local_llm, load_prompt("verify-facet"))
    calls = local_llm.usage().calls
    shows, related = verifier.probability(FACET, SHOWS), verifier.probability(FACET, RELATED)
    assert shows == pytest.approx(probabilities["Yes"], abs=1e-6)  # greedy, deterministic
    assert shows > related
    assert verifier.probability(FACET, SHOWS) == shows  # remembered per pair
    assert local_llm.usage().calls == calls + 2


def test_a_cut_off_between_them_keeps_the_showing_sentence_and_drops_the_related_one(
        local_llm: LLM) -> None:
    verifier = Verifier(local_llm, load_prompt("verify-facet"))
    shows, related = verifier.probability(FACET, SHOWS), verifier.probability(FACET, RELATED)
    middle = (shows + related) / 2
    cut = Verifier(local_llm, load_prompt("verify-facet"), ModelCutOffs(met=middle,
                                                                         partial=middle))
    assert cut.check(FACET, SHOWS, "met").earns == "met"
    assert cut.check(FACET, RELATED, "met").earns == ""
    assert cut.check(FACET, SHOWS, "partial").earns == "partial"  # never raised to met
