"""Facet matching: claims without lead-ins, record gating, cut-offs and candidate order."""

from __future__ import annotations

import math
from dataclasses import replace

import pytest

from service.domain.catalog import Facet, FacetKind
from service.domain.evidence import Chunk, Evidence, EvidenceKind, Sentence
from service.pipeline.score.matching import (
    claim,
    eligible,
    lexical_overlap,
    match_candidates,
)
from service.pipeline.scoring_setup import thresholds
from service.settings import ScoringSettings

DEFAULTS = thresholds(ScoringSettings())
NO_LEXICAL = replace(DEFAULTS, lexical_weight=0.0, weak=0.0)
DOC_FACET = Facet(id="X.1-f1", kind=FacetKind.DOCUMENTATION, text="A backup policy is written.")
IMPL_FACET = Facet(id="X.1-f2", kind=FacetKind.IMPLEMENTATION,
                   text="Restore test records show data was restored.")


def at(cosine: float) -> list[float]:
    """A unit vector whose cosine with [1, 0] is ``cosine``."""
    return [cosine, math.sqrt(1.0 - cosine * cosine)]


def evidence(chunk_id: str, kind: EvidenceKind) -> Evidence:
    chunk = Chunk(chunk_id=chunk_id, workspace="w", document_id="d", document=f"{chunk_id}.md",
                  index=0, text="text", kind=kind)
    return Evidence(chunk=chunk, score=0.9)


def sentence(n: int, chunk_id: str) -> Sentence:
    return Sentence(sentence_id=f"{chunk_id}:s{n}", chunk_id=chunk_id, document_id="d",
                    text=f"sentence {n}")


@pytest.mark.parametrize(
    ("facet", "expected"),
    [
        ("Access review records show user access matched the documented role definitions.",
         "User access matched the documented role definitions."),
        ("Backup job logs show scheduled backups completed successfully.",
         "Scheduled backups completed successfully."),
        ("Records show that leavers were disabled within one day.",
         "Leavers were disabled within one day."),
        ("Staff acknowledgement records or intranet publication logs show the policy was "
         "communicated to employees.", "The policy was communicated to employees."),
        ("Management review minutes confirm that objectives were reviewed.",
         "Objectives were reviewed."),
        ("A backup policy defines what is backed up and how often.",
         "A backup policy defines what is backed up and how often."),
        ("Records are retained for five years.", "Records are retained for five years."),
    ],
)
def test_claim_strips_the_lead_in_only(facet: str, expected: str) -> None:
    assert claim(facet) == expected


def test_record_gating() -> None:
    record = evidence("log", EvidenceKind.RECORD)
    stale = record.model_copy(update={"stale": True})
    assert eligible(DOC_FACET, evidence("policy", EvidenceKind.POLICY))
    assert eligible(DOC_FACET, record)
    assert eligible(DOC_FACET, stale)  # a stale record still documents
    improvement = IMPL_FACET.model_copy(update={"kind": FacetKind.IMPROVEMENT})
    for facet in (IMPL_FACET, improvement):
        assert eligible(facet, record)
        assert not eligible(facet, stale)
        assert not eligible(facet, evidence("policy", EvidenceKind.POLICY))
        assert not eligible(facet, evidence("sop", EvidenceKind.PROCEDURE))


def test_an_implementation_facet_never_matches_a_policy_sentence() -> None:
    policy, record = evidence("policy", EvidenceKind.POLICY), evidence("log", EvidenceKind.RECORD)
    identical = [sentence(1, "policy")]
    found = match_candidates((DOC_FACET, IMPL_FACET), [at(1.0), at(1.0)], identical, [at(1.0)],
                             [policy, record], NO_LEXICAL)
    assert [c.sentence.chunk_id for c in found[DOC_FACET.id]] == ["policy"]
    assert found[IMPL_FACET.id] == []
    both = [*identical, sentence(2, "log")]
    found = match_candidates((IMPL_FACET,), [at(1.0)], both, [at(1.0), at(0.7)],
                             [policy, record], NO_LEXICAL)
    assert [c.sentence.sentence_id for c in found[IMPL_FACET.id]] == ["log:s2"]


def test_cut_offs_per_kind() -> None:
    record = evidence("log", EvidenceKind.RECORD)
    sentences = [sentence(n, "log") for n in range(3)]
    vectors = [at(0.50), at(0.46), at(0.44)]  # under, between and over the two partial cut-offs
    found = match_candidates((DOC_FACET, IMPL_FACET), [at(1.0), at(1.0)], sentences, vectors,
                             [record], NO_LEXICAL)
    assert found[DOC_FACET.id] == []  # documentation: partial at 0.57
    assert [round(c.score, 2) for c in found[IMPL_FACET.id]] == [0.50, 0.46]  # records: 0.45
    # a weak cut-off (for the level-1 rule) widens the candidates to it, for every kind
    widened = match_candidates((DOC_FACET,), [at(1.0)], sentences, vectors, [record],
                               replace(NO_LEXICAL, weak=0.45))
    assert [round(c.score, 2) for c in widened[DOC_FACET.id]] == [0.50, 0.46]
    assert NO_LEXICAL.cut_offs(FacetKind.DOCUMENTATION) == (0.60, 0.57)
    assert NO_LEXICAL.cut_offs(FacetKind.IMPROVEMENT) == (0.55, 0.45)


def test_candidates_are_every_sentence_over_partial_best_first_from_retrieved_chunks() -> None:
    policy = evidence("policy", EvidenceKind.POLICY)
    sentences = [sentence(1, "policy"), sentence(2, "policy"), sentence(3, "policy"),
                 sentence(4, "not-retrieved"), sentence(5, "policy")]
    vectors = [at(0.60), at(0.90), at(0.75), at(1.0), at(0.40)]
    found = match_candidates((DOC_FACET,), [at(1.0)], sentences, vectors, [policy], NO_LEXICAL)
    # no rank cut (a cut would refill when a document goes): all three over 0.55, best first
    assert [c.sentence.sentence_id for c in found[DOC_FACET.id]] == [
        "policy:s2", "policy:s3", "policy:s1"]


def test_no_sentences_no_candidates() -> None:
    assert match_candidates((DOC_FACET, IMPL_FACET), [at(1.0), at(1.0)], [], [],
                            [evidence("policy", EvidenceKind.POLICY)], NO_LEXICAL) == {
        DOC_FACET.id: [], IMPL_FACET.id: []}


def test_lexical_support_adds_to_the_cosine() -> None:
    assert lexical_overlap("A backup policy is written.", "The backup policy, as written") == 1.0
    assert lexical_overlap("A backup policy is written.", "Canteen opening hours") == 0.0
    assert lexical_overlap("the and of", "anything") == 0.0
    policy = evidence("policy", EvidenceKind.POLICY)
    words = Sentence(sentence_id="policy:s1", chunk_id="policy", document_id="d",
                     text="Our backup policy is written down.")
    [candidate] = match_candidates((DOC_FACET,), [at(1.0)], [words], [at(0.5)], [policy],
                                   replace(DEFAULTS, lexical_weight=0.1))[DOC_FACET.id]
    assert candidate.score == pytest.approx(0.6)


def test_a_penalty_lowers_its_own_sentence_only() -> None:
    record = evidence("log", EvidenceKind.RECORD)
    sentences = [sentence(n, "log") for n in range(2)]
    found = match_candidates((DOC_FACET,), [at(1.0)], sentences, [at(0.70), at(0.65)], [record],
                             NO_LEXICAL, penalties=[0.10, 0.0])
    assert [(c.sentence.sentence_id, round(c.score, 2)) for c in found[DOC_FACET.id]] == [
        ("log:s1", 0.65), ("log:s0", 0.60)]
