"""Chat reference resolution: spellings, framework names, and the order that settles ambiguity."""

from __future__ import annotations

import pytest

from service.components.catalog import CatalogRegistry, build_registry
from service.pipeline.chat.mentions import GMP_FAMILY, find_mentions
from service.pipeline.chat.plan import Intent, make_plan
from service.pipeline.chat.resolve import Preferences, Resolution, Subject, resolve
from service.settings import Settings

ISO27 = "iso27001-2022"
ISO9 = "iso9001-2015"
NONE_CHOSEN = Preferences()


@pytest.fixture(scope="module")
def registry() -> CatalogRegistry:
    return build_registry(Settings())


def resolved(registry: CatalogRegistry, question: str,
             prefs: Preferences = NONE_CHOSEN) -> Resolution:
    return resolve(registry, find_mentions(question, registry), prefs)


def subjects(resolution: Resolution) -> list[tuple[str, str]]:
    return [(s.framework, s.node.ref_id) for s in resolution.subjects]


@pytest.mark.parametrize(("question", "expected"), [
    ("What does A.8.24 require?", (ISO27, "A.8.24")),
    ("and Annex A 5.15?", (ISO27, "A.5.15")),
    ("What evidence for 211.68?", ("gmp-21cfr211", "211.68")),
    ("Explain §211.68 to me", ("gmp-21cfr211", "211.68")),
    ("What is 21 CFR 211.68 about?", ("gmp-21cfr211", "211.68")),
    ("What does Art. 32 ask?", ("gdpr", "Art. 32")),
    ("Summarise Article 32", ("gdpr", "Art. 32")),
    ("What is GV.OC-01?", ("nist-csf-2.0", "GV.OC-01")),
    ("What does 11.10(a) of Part 11 require?", ("gmp-21cfr11", "11.10(a)")),
    ("clause 6.1.2 of ISO 27001", (ISO27, "6.1.2")),
    ("clause 6.1 in ISO 9001:2015", (ISO9, "6.1")),
])
def test_cli_spellings_resolve(registry: CatalogRegistry, question: str,
                               expected: tuple[str, str]) -> None:
    result = resolved(registry, question)
    assert subjects(result) == [expected]
    assert result.statements == [] and result.notes == []


@pytest.mark.parametrize(("question", "frameworks"), [
    ("What is ISO 27001?", [ISO27]),
    ("Tell me about ISO/IEC 27001:2022", [ISO27]),
    ("Is 27001 voluntary?", [ISO27]),
    ("What is NIST CSF 2.0?", ["nist-csf-2.0"]),
    ("What is EU GMP Annex 11?", ["eu-gmp"]),
    ("Who enforces the GDPR?", ["gdpr"]),
    ("What is Part 11?", ["gmp-21cfr11"]),
    ("Compare ISO 9001 and iso27001-2022", [ISO9, ISO27]),
])
def test_framework_names_are_not_read_as_references(
        registry: CatalogRegistry, question: str, frameworks: list[str]) -> None:
    result = resolved(registry, question)
    assert result.frameworks == frameworks
    assert result.subjects == [] and result.notes == []


def test_an_ambiguous_reference_is_answered_for_each_and_said(registry: CatalogRegistry) -> None:
    result = resolved(registry, "What does clause 6.1 require?")
    assert subjects(result) == [(ISO27, "6.1"), (ISO9, "6.1")]
    [said] = result.statements
    assert '"clause 6.1" exists in ISO/IEC 27001:2022 and ISO 9001:2015' in said
    assert "answer for each" in said


def test_the_order_chosen_then_conversation_then_assessment(registry: CatalogRegistry) -> None:
    question = "What does clause 6.1 require?"
    chosen = resolved(registry, question, Preferences(ISO9, ISO27, ISO27))
    assert subjects(chosen) == [(ISO9, "6.1")] and chosen.statements == []
    conversation = resolved(registry, question, Preferences(None, ISO27, ISO9))
    assert subjects(conversation) == [(ISO27, "6.1")]
    assert conversation.statements == [
        "I read \"clause 6.1\" as ISO/IEC 27001:2022 (this conversation's framework)."]
    assessed = resolved(registry, question, Preferences(None, None, ISO9))
    assert subjects(assessed) == [(ISO9, "6.1")]
    assert "latest assessment" in assessed.statements[0]
    unrelated = resolved(registry, question, Preferences("gdpr", "nist-csf-2.0", None))
    assert subjects(unrelated) == [(ISO27, "6.1"), (ISO9, "6.1")]
    assert "answer for each" in unrelated.statements[0]


def test_gmp_alone_is_ambiguous_and_settled_the_same_way(registry: CatalogRegistry) -> None:
    question = "How does ISO 27001 differ from GMP?"
    open_question = resolved(registry, question)
    assert open_question.frameworks == [ISO27, *GMP_FAMILY]
    assert '"GMP" can mean 21 CFR Parts 210 and 211, 21 CFR Part 11 and EU GMP' in (
        open_question.statements[0])
    settled = resolved(registry, question, Preferences(None, None, "eu-gmp"))
    assert settled.frameworks == [ISO27, "eu-gmp"]
    assert "latest assessment" in settled.statements[0]
    assert resolved(registry, "What does EU GMP say?").frameworks == ["eu-gmp"]


def test_a_named_framework_scopes_the_reference(registry: CatalogRegistry) -> None:
    result = resolved(registry, "What does clause 6.1 of ISO 9001 require?",
                      Preferences(ISO27, None, None))
    assert subjects(result) == [(ISO9, "6.1")] and result.statements == []


def test_unknown_and_misplaced_references_get_notes(registry: CatalogRegistry) -> None:
    assert resolved(registry, "What does A.99.1 require?").notes == [
        'There is no requirement "A.99.1" in any framework.']
    assert resolved(registry, "clause 6 of the GDPR").notes == [
        'There is no requirement "clause 6" in General Data Protection Regulation (EU) 2016/679.']
    elsewhere = resolved(registry, "What does A.8.24 require?", Preferences(ISO9, None, None))
    assert subjects(elsewhere) == [(ISO27, "A.8.24")]
    assert elsewhere.notes == ['"A.8.24" is not in iso9001-2015; it was found in iso27001-2022.']


@pytest.mark.parametrize(("question", "intent", "topic"), [
    ("What does clause 6.1 require?", Intent.REQUIREMENT, ""),
    ("Which Annex A controls cover suppliers?", Intent.SEARCH, "suppliers"),
    ("Do our documents address A.8.24?", Intent.WORKSPACE, ""),
    ("Do our documents address access reviews?", Intent.WORKSPACE, "access reviews"),
    ("How does ISO 27001 differ from GMP?", Intent.COMPARE, ""),
    ("What is NIST CSF 2.0?", Intent.FRAMEWORK, ""),
    ("Tell us about the GDPR", Intent.FRAMEWORK, ""),
    ("What is the capital of France?", Intent.GENERAL, "capital France"),
])
def test_intents(registry: CatalogRegistry, question: str, intent: Intent, topic: str) -> None:
    mentions = find_mentions(question, registry)
    plan = make_plan(question, mentions, resolve(registry, mentions, Preferences()), [],
                     Preferences())
    assert (plan.intent, plan.topic) == (intent, topic)
    if "Annex A" in question:
        assert plan.annex_a


def test_a_follow_up_reuses_the_previous_subjects(registry: CatalogRegistry) -> None:
    previous = [Subject(ISO27, registry.requirement(ISO27, "A.8.24"))]
    question = "and what evidence for it?"
    mentions = find_mentions(question, registry)
    plan = make_plan(question, mentions, resolve(registry, mentions, Preferences()), previous,
                     Preferences())
    assert plan.subjects == previous and plan.evidence_focus
    assert plan.statements == ["Following up on iso27001-2022 A.8.24."]
    other = "What does A.5.15 require?"
    mentions = find_mentions(other, registry)
    fresh = make_plan(other, mentions, resolve(registry, mentions, Preferences()), previous,
                      Preferences())
    assert [s.node.ref_id for s in fresh.subjects] == ["A.5.15"]
