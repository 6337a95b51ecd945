"""The chat eval's dataset: every case names real requirements, facts and sample documents."""

from __future__ import annotations

import itertools

from evals.cases import ChatCase
from evals.chat_suite import REPO, load_cases, right_citation
from service.components.catalog import build_registry
from service.domain.chat import ChatCitation, CitationKind, DoneEvent
from service.pipeline.chat.comparison import differences_table
from service.settings import Settings


def test_every_case_names_what_the_catalogs_and_samples_hold() -> None:
    registry = build_registry(Settings())
    cases = load_cases()
    assert len(cases) >= 30
    assert {c.framework for c in cases if c.kind == "requirement"} == {
        f.framework.id for f in registry.frameworks()}
    ids = [f.framework.id for f in registry.frameworks()]
    assert {frozenset(c.frameworks) for c in cases if c.frameworks} == {
        frozenset(pair) for pair in itertools.combinations(ids, 2)}  # each pair, once
    for case in cases:
        if case.kind == "requirement":
            assert case.framework and case.ref
            registry.requirement(case.framework, case.ref)  # NotFoundError otherwise
        elif case.kind == "compare":
            assert case.frameworks and case.facts
            table, cited = differences_table(registry, *case.frameworks)
            done = DoneEvent(answer=table, conversation_id="c", citations=tuple(cited))
            assert right_citation(case, done, registry), case.question
        else:
            assert all((REPO / "samples" / name).is_file() for name in case.documents)


def test_a_table_with_a_wrong_fact_is_not_a_right_citation() -> None:
    registry = build_registry(Settings())
    case = ChatCase(question="q", kind="compare", frameworks=("iso27001-2022", "gdpr"),
                        facts={"Nature": ("legally binding", "voluntary")})
    table, cited = differences_table(registry, "iso27001-2022", "gdpr")
    assert not right_citation(case, DoneEvent(answer=table, conversation_id="c",
                                              citations=tuple(cited)), registry)
    unnamed = ChatCitation(kind=CitationKind.REQUIREMENT, framework="gdpr")
    assert unnamed.label == "gdpr / profile"


def test_a_sentence_its_quote_contradicts_and_a_repeat_are_counted() -> None:
    from evals.chat_suite import evidence_unsupported, repeats

    answer = ('Some evidence speaks against this: [E1] reports a failure.\n'
              '[E1] Record, log.csv: "Restore of the file server: the test failed."\n'
              "The log confirms that backups can be restored.\n\n"
              '[E2] Policy, backup_policy.md (Backups): "Backups are restore-tested."\n'
              "The log confirms that backups can be restored.\n\n"
              '[E3] Policy, backup_policy.md (Copies): "Backups are restore-tested."')
    done = DoneEvent(answer=answer, conversation_id="c", citations=())
    assert evidence_unsupported(done) == 1  # E1's sentence; E2's is backed, E3 has none
    assert repeats(done) == 2  # E3 repeats E2's quote, E2 repeats E1's sentence
