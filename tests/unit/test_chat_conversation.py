"""Chat conversations: stored per user and workspace, follow-ups, and the framework order."""

from __future__ import annotations

import pytest

from service.components.catalog import CatalogRegistry
from service.domain.chat import CitationKind
from service.errors import NotFoundError
from service.pipeline.chat import conversation_history, list_conversations
from service.pipeline.context import PipelineContext
from service.pipeline.users import create_user
from tests.assessments import store_assessment
from tests.unit.test_chat_answer import RecordingLLM, ask, context, registry

__all__ = ["context", "registry"]  # fixtures shared with test_chat_answer


def test_a_follow_up_resolves_against_the_conversation(
        context: PipelineContext, registry: CatalogRegistry) -> None:
    llm = RecordingLLM()
    first, _ = ask(context, registry, "What does A.8.24 require?", lambda: llm)
    follow_up, _ = ask(context, registry, "and what evidence for it?", lambda: llm,
                       conversation_id=first.conversation_id)
    assert follow_up.conversation_id == first.conversation_id
    assert follow_up.answer.startswith("Following up on iso27001-2022 A.8.24.")
    _, user = llm.prompts[-1]
    assert "ISO/IEC 27001:2022 A.8.24: Use of cryptography" in user
    assert "Task: In one or two sentences, say what an inspector wants" in user
    evidence = "; ".join(registry.requirement("iso27001-2022", "A.8.24").typical_evidence)
    assert f"\nTypical evidence: {evidence}.\nRelated by crosswalk: " in follow_up.answer
    related = follow_up.answer.split("\nRelated by crosswalk: ")[1].splitlines()[0]
    assert "eu-gmp A11-14" in related
    assert ("eu-gmp", "A11-14") in [(c.framework, c.ref) for c in follow_up.citations]
    with context.sessions() as session:
        history = conversation_history(session, "qa", None, first.conversation_id)
    assert history.framework == "iso27001-2022"
    assert [m.role for m in history.messages] == ["user", "assistant"] * 2
    question, answer = history.messages[2:]
    assert question.content == "and what evidence for it?"
    assert [(c.kind, c.framework, c.ref) for c in question.citations] == [
        (CitationKind.REQUIREMENT, "iso27001-2022", "A.8.24")]
    assert answer.content == follow_up.answer and answer.citations == follow_up.citations


def test_the_conversation_framework_settles_before_the_latest_assessment(
        context: PipelineContext, registry: CatalogRegistry) -> None:
    store_assessment(context.sessions, {"A.5.15": 2}, workspace="qa", framework="iso9001-2015")
    llm = RecordingLLM()
    question = "What does clause 6.1 require?"
    assessed, _ = ask(context, registry, question, lambda: llm)
    assert assessed.answer.startswith(
        'I read "clause 6.1" as ISO 9001:2015 (the framework of this workspace\'s latest '
        "assessment).")
    chosen, _ = ask(context, registry, question, lambda: llm, framework="iso27001-2022")
    assert not chosen.answer.startswith("I read")
    again, _ = ask(context, registry, question, lambda: llm,
                   conversation_id=chosen.conversation_id)
    assert again.answer.startswith(
        'I read "clause 6.1" as ISO/IEC 27001:2022 (this conversation\'s framework).')
    assert {c.framework for c in again.citations} == {"iso27001-2022"}


def test_conversations_belong_to_one_user_and_workspace(
        context: PipelineContext, registry: CatalogRegistry) -> None:
    with context.sessions() as session:
        alice = create_user(session, "alice", actor="test")
    llm = RecordingLLM()
    theirs, _ = ask(context, registry, "What does A.8.24 require?", lambda: llm,
                    user_id=alice.id)
    mine, _ = ask(context, registry, "What does A.5.15 require?", lambda: llm)
    with pytest.raises(NotFoundError, match="no conversation"):
        ask(context, registry, "and its evidence?", lambda: llm,
            conversation_id=theirs.conversation_id)
    with pytest.raises(NotFoundError, match="no conversation"):
        ask(context, registry, "and its evidence?", lambda: llm, workspace="other",
            conversation_id=mine.conversation_id)
    with context.sessions() as session:
        assert [c.id for c in list_conversations(session, "qa", alice.id)] == [
            theirs.conversation_id]
        assert [c.id for c in list_conversations(session, "qa", None)] == [mine.conversation_id]
        assert list_conversations(session, "other", None) == []
