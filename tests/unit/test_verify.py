"""The downgrade-only verifier: hedges are refused outright, the model's P(yes) that a
sentence shows its facet can only lower a match, and each (facet, sentence) pair costs at
most one model call."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest

from service.components.embedding import FakeEmbedder
from service.components.llm import LLM, DelegatingLLM, fake_llm
from service.components.prompts import load_prompt
from service.domain.assessment import FacetFinding, FacetStatus
from service.domain.evidence import Evidence
from service.pipeline.context import PipelineContext
from service.pipeline.ingest import Ingestor
from service.pipeline.retrieve import Retriever
from service.pipeline.score.match_strategy import MatchStrategy
from service.pipeline.score.matching import claim, match_candidates
from service.pipeline.score.verify import HEDGE, ModelCutOffs, Verifier
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
        "On the restores: no, we've never done any kind of restore test.",
        "We don\u2019t test restores of the archive yet.",
        "A.8.13 Information backup | Not implemented | Owner: IT",
        "Restore testing: not applicable to the archive.",
    ],
)
def test_hedged_sentences_are_refused_without_asking_the_model(sentence: str) -> None:
    """Negations in either spelling of the apostrophe count; a prohibition does not."""
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


class Probabilities(DelegatingLLM):
    """A scripted model that also gives P(yes): a fixed value per sentence (by substring)."""

    def __init__(self, p_yes: dict[str, float]) -> None:
        super().__init__(fake_llm(["unused"]))
        self.p_yes = p_yes
        self.questions: list[str] = []

    def option_probabilities(self, system: str, user: str,
                             options: Sequence[str]) -> dict[str, float] | None:
        self.questions.append(user)
        p = next(v for k, v in self.p_yes.items() if k in user)
        return {"Yes": p, "No": 1.0 - p}


def test_the_probability_decides_met_partial_or_nothing_and_never_raises() -> None:
    model = Probabilities({"strong": 0.6, "middle": 0.2, "weak": 0.05})
    checker = Verifier(model, load_prompt("verify-facet"), ModelCutOffs(met=0.3, partial=0.1))
    assert checker.check(FACET, "A strong sentence.", "met").earns == "met"
    assert checker.check(FACET, "A middle sentence.", "met").earns == "partial"
    assert checker.check(FACET, "A weak sentence.", "met").earns == ""
    # a partial match can keep partial, never become met, however sure the model is
    assert checker.check(FACET, "A strong sentence.", "partial").earns == "partial"
    assert checker.check(FACET, "A weak sentence.", "partial").earns == ""
    assert "P(yes) 0.05" in checker.check(FACET, "A weak sentence.", "met").reason
    # the facet is in the question, and each pair was asked once
    assert len(model.questions) == 3 and all(FACET in q for q in model.questions)
    # partial cut-off 0: partial matches are not asked at all
    lenient = Verifier(model, load_prompt("verify-facet"), ModelCutOffs(met=0.3, partial=0.0))
    assert lenient.check(FACET, "A weak sentence.", "partial").earns == "partial"
    assert lenient.calls == 0


def test_the_model_is_asked_once_per_facet_and_sentence() -> None:
    model = fake_llm(["yes"])
    checker = verifier(model)
    sentence = "On 2026-03-02 the LIMS database was restored and checked."
    assert all(checker.check(FACET, sentence).holds for _ in range(3))
    assert model.usage().calls == 1
    assert checker.check("Another facet.", sentence).holds  # another facet: another question
    assert model.usage().calls == 2
    assert not checker.check(FACET, "Restores are planned.", "partial").holds
    assert model.usage().calls == 2


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
    found = strategy.findings(REQUIREMENT, evidence)
    assert found.flags == []
    return found.facets


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


def test_each_candidate_over_partial_is_asked_once_until_one_holds(
        context: PipelineContext) -> None:
    scoring = ScoringSettings()
    cut_offs = thresholds(scoring)
    retriever = Retriever(context, "w", retrieval_params(scoring))
    evidence = [Evidence(chunk=c, score=1.0) for c in context.store.chunks("w")]
    sentences, vectors = context.store.sentences("w", [e.chunk.chunk_id for e in evidence])
    facet_vectors = retriever.vectors([claim(f.text) for f in REQUIREMENT.facets])
    candidates = match_candidates(REQUIREMENT.facets, facet_vectors, sentences, vectors,
                                  evidence, cut_offs)
    asked = {(f.text, c.sentence.text) for f in REQUIREMENT.facets for c in candidates[f.id]
             if not HEDGE.search(c.sentence.text)}
    model = fake_llm(["no"])  # every question is asked, none upholds a sentence
    findings(context, model)
    assert model.usage().calls == len(asked)  # each such pair once, nothing else
    upheld = fake_llm(["yes"])
    findings(context, upheld)  # the first candidate of each facet holds: one call per facet
    assert upheld.usage().calls == sum(
        any(not HEDGE.search(c.sentence.text) for c in candidates[f.id])
        for f in REQUIREMENT.facets)


def test_removing_a_document_never_raises_a_finding_under_graded_answers(
        context: PipelineContext) -> None:
    scoring = ScoringSettings()
    model = Probabilities({"restored from backup": 0.9, "planned": 0.9, "backup policy": 0.2,
                           "": 0.12})
    retriever = Retriever(context, "w", retrieval_params(scoring))
    chunks = context.store.chunks("w")
    for kept in ({c.document for c in chunks}, {"backup_policy.md"}, {"restore_test_log.md"}):
        evidence = [Evidence(chunk=c, score=1.0) for c in chunks if c.document in kept]
        full = [Evidence(chunk=c, score=1.0) for c in chunks]
        checker = Verifier(model, load_prompt("verify-facet"), ModelCutOffs(0.3, 0.15))
        strategy = MatchStrategy(context.store, "w", retriever, checker, thresholds(scoring))
        fewer = strategy.findings(REQUIREMENT, evidence)
        more = strategy.findings(REQUIREMENT, full)
        pairs = list(zip(fewer.facets, more.facets, strict=True))
        assert all(RANK[f.status] <= RANK[m.status] for f, m in pairs)
        assert all(f.similarity <= m.similarity + 1e-9 for f, m in pairs
                   if f.status == m.status == FacetStatus.NOT_MET)
        assert fewer.near <= more.near  # the level-1 count only falls too


def test_an_unshown_facet_keeps_its_best_match_score(
        context: PipelineContext) -> None:
    refused = findings(context, fake_llm(["no"]))
    scoring = ScoringSettings()
    retriever = Retriever(context, "w", retrieval_params(scoring))
    evidence = [Evidence(chunk=c, score=1.0) for c in context.store.chunks("w")]
    sentences, vectors = context.store.sentences("w", [e.chunk.chunk_id for e in evidence])
    facet_vectors = retriever.vectors([claim(f.text) for f in REQUIREMENT.facets])
    candidates = match_candidates(REQUIREMENT.facets, facet_vectors, sentences, vectors,
                                  evidence, thresholds(scoring))
    for facet, finding in zip(REQUIREMENT.facets, refused, strict=True):
        if finding.status == FacetStatus.NOT_MET and candidates[facet.id]:
            assert finding.similarity == candidates[facet.id][0].score


def test_a_prohibition_is_not_a_negation() -> None:
    assert not HEDGE.search("Backup media must never leave the data centre unencrypted.")
