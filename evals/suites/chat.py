"""Chat: requirement questions, comparisons and evidence questions, as evals/chat_suite.py.

Each question of evals/datasets/chat*.yaml is asked once; the samples the evidence questions
expect (and two distractors) are ingested into a workspace of their own. The figures: right
citation rate (the requirement, both profiles with their facts, the expected passages;
every citation naming its source), unsupported sentences shown (goal 0), sentences dropped
by the claim check, and answer time (first text and total), overall and per kind.
"""

from __future__ import annotations

from typing import Any

from evals.cases import ChatCase
from evals.chat_suite import ingest_samples, load_cases, markdown
from evals.chat_suite import run as ask_all
from evals.markdown import section, table
from evals.session import EvalSession, SuiteResult
from service.components.llm import LLM
from service.pipeline.chat import ChatService, prime_chat_model

KINDS = ("requirement", "compare", "evidence")


def by_kind(answers: list[dict[str, Any]]) -> list[list[str]]:
    """Per kind of question: cases, right citations, unsupported shown, mean answer time."""
    rows = []
    for kind in KINDS:
        own = [a for a in answers if a["kind"] == kind]
        if own:
            right = sum(a["right_citation"] for a in own)
            rows.append([kind, str(len(own)), f"{right}/{len(own)}",
                         str(sum(a["unsupported_shown"] for a in own)),
                         f"{sum(a['total_s'] for a in own) / len(own):.1f} s"])
    return rows


def first_of_each_kind(cases: list[ChatCase], limit: int | None) -> list[ChatCase]:
    """The first ``limit`` questions of each kind (all without a limit), in dataset order."""
    if limit is None:
        return cases
    return [c for kind in KINDS for c in [c for c in cases if c.kind == kind][:limit]]


def run(session: EvalSession) -> SuiteResult:
    """Ask every chat question of the datasets; the figures and a row per answer."""
    llm = session.llm
    if llm is None:
        raise ValueError("the chat suite needs a model (--llm)")

    def model() -> LLM:
        return llm

    cases = first_of_each_kind(load_cases(), session.limit)
    ingest_samples(session.context, cases)
    prime_chat_model(llm)
    service = ChatService(session.context, session.registry, model)
    data = ask_all(session.context, session.registry, service, cases, session.progress)
    body = markdown(data)
    kinds = table(["kind", "cases", "right citation", "unsupported shown", "mean answer"],
                  by_kind(data["answers"]))
    return SuiteResult(data, section("Chat", kinds, body))
