"""The downgrade-only verifier: hedges are refused outright, the model can only say no, and
only candidates over the met cut-off cost a model call."""

from __future__ import annotations

from pathlib import Path

import pytest

from service.components.embedding import FakeEmbedder
from service.components.llm import LLM, fake_llm
from service.components.prompts import load_prompt
from service.domain.assessment import FacetFinding, FacetStatus
from service.domain.evidence import Evidence
from service.pipeline.context import PipelineContext
from service.pipeline.ingest import Ingestor
from service.pipeline.retrieve import Retriever
from service.pipeline.score.match_strategy import MatchStrategy
from service.pipeline.score.matching import claim, match_candidates
from service.pipeline.score.verify import HEDGE, Verifier
from service.pipeline.scoring_setup import retrieval_params, thresholds
from service.settings import ScoringSettings
from tests.conftest import ContextFactory
from tests.requirements import BACKUP

FACET = "Restore test records show data was restored from backup and checked."
RANK = {FacetStatus.NOT_MET: 0, FacetStatus.PARTIAL: 1, FacetStatus.MET: 2}
REQUIREMENT = BACKUP
DOCUMENTS = {
    "backup_policy.md": "# Backup policy\n\nThe backup policy defines how often backups are "
                        "taken and how long copies are kept.\n",
    "restore_test_log.md": "# Restore test log\n\nOn 2026-03-02 data was restored from backup "
                           "and the restored data was checked by IT.\n\nA review of restore "
                           "test results leading to recorded changes is planned for 2027.\n",
}


def verifier(llm: LLM | None) -> Verifier:
    return Verifier(llm, load_prompt("verify-facet"))


@pytest.mark.parametrize(
    "sentence",
    [
        "Quarterly restore tests are planned for the Tier 1 systems.",
        "The backup standard is a draft awaiting approval.",
        "Restores have not yet been tested for the archive.",
        "We do not test restores of the file shares.",
        "Restore testing will be introduced next year.",
        "Restore test owners: TBD.",
    ],
)
def test_hedged_sentences_are_refused_without_asking_the_model(sentence: str) -> None:
    model = fake_llm(["yes"])
    verdict = verifier(model).check(FACET, sentence)
    assert not verdict.holds
    assert not verdict.asked_model
    assert "hedged or negated" in verdict.reason
    assert model.usage().calls == 0


def test_the_model_answers_for_plain_sentences() -> None:
    sentence = "On 2026-03-02 the LIMS database was restored and checked."
    assert verifier(None).check(FACET, sentence).holds
    yes, no = verifier(fake_llm(["yes"])), verifier(fake_llm(["no"]))
    assert yes.check(FACET, sentence).holds and yes.agreement == 1.0
    refused = no.check(FACET, sentence)
    assert (refused.holds, refused.asked_model) == (False, True)
    assert no.agreement == 0.0 and no.asked == 1
    assert verifier(None).agreement == 1.0


def test_the_model_is_asked_once_per_sentence_and_only_when_told() -> None:
    model = fake_llm(["yes"])
    checker = verifier(model)
    sentence = "On 2026-03-02 the LIMS database was restored and checked."
    assert all(checker.check(FACET, sentence).holds for _ in range(3))
    assert checker.check("Another facet.", sentence).holds
    assert model.usage().calls == 1
    assert checker.check(FACET, "Restores are checked by IT.", ask_model=False).holds
    assert model.usage().calls == 1
    assert not checker.check(FACET, "Restores are planned.", ask_model=False).holds


@pytest.fixture
def context(make_context: ContextFactory, fake_embedder: FakeEmbedder,
            tmp_path: Path) -> PipelineContext:
    built = make_context(embedder=fake_embedder)
    for name, text in DOCUMENTS.items():
        path = tmp_path / name
        path.write_text(text)
        assert Ingestor(built, "w").ingest(path, name).status == "indexed"
    return built


def findings(context: PipelineContext, llm: LLM | None) -> tuple[FacetFinding, ...]:
    scoring = ScoringSettings()
    retriever = Retriever(context, "w", retrieval_params(scoring))
    strategy = MatchStrategy(context.store, "w", retriever, verifier(llm), thresholds(scoring))
    evidence = [Evidence(chunk=c, score=1.0) for c in context.store.chunks("w")]
    found, flags = strategy.findings(REQUIREMENT, evidence)
    assert flags == []
    return found


def statuses(context: PipelineContext, llm: LLM | None) -> list[FacetStatus]:
    return [f.status for f in findings(context, llm)]


def test_the_verifier_can_only_downgrade(context: PipelineContext) -> None:
    unverified = statuses(context, None)
    assert unverified == [FacetStatus.MET, FacetStatus.MET, FacetStatus.NOT_MET]
    assert "hedged" in findings(context, None)[2].note  # its best sentence says 'planned'
    assert statuses(context, fake_llm(["yes"])) == unverified
    refused = statuses(context, fake_llm(["no"]))
    assert FacetStatus.MET not in refused  # a refusal can leave a facet partial at most
    for script in (["no"], ["yes", "no"], ["no", "yes"], ["no", "no", "yes"]):
        verified = statuses(context, fake_llm(script))
        assert all(RANK[v] <= RANK[u] for v, u in zip(verified, unverified, strict=True))


def test_only_candidates_over_the_met_cut_off_go_to_the_model(context: PipelineContext) -> None:
    scoring = ScoringSettings()
    cut_offs = thresholds(scoring)
    retriever = Retriever(context, "w", retrieval_params(scoring))
    evidence = [Evidence(chunk=c, score=1.0) for c in context.store.chunks("w")]
    sentences, vectors = context.store.sentences("w", [e.chunk.chunk_id for e in evidence])
    facet_vectors = retriever.vectors([claim(f.text) for f in REQUIREMENT.facets])
    candidates = match_candidates(REQUIREMENT.facets, facet_vectors, sentences, vectors,
                                  evidence, cut_offs)
    over_met = {c.sentence.text for f in REQUIREMENT.facets for c in candidates[f.id]
                if c.score >= cut_offs.cut_offs(f.kind)[0] and not HEDGE.search(c.sentence.text)}
    model = fake_llm(["no"])  # every question is asked, none upholds a sentence
    findings(context, model)
    assert model.usage().calls == len(over_met)  # each such sentence once, nothing else
