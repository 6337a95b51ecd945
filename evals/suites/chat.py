"""Chat: "what does X require?" must cite X, the right requirement of the right framework.

Each question of evals/datasets/chat*.yaml is asked in an empty workspace; it passes when
the answer's citations include a `requirement` citation with the case's framework and ref.
"""

from __future__ import annotations

from typing import Any

from evals.cases import chat_sets
from evals.markdown import section, table
from evals.metrics import mean
from evals.session import EvalSession, SuiteResult
from service.components.llm import LLM
from service.domain.chat import ChatRequest, DoneEvent
from service.pipeline.chat import ChatService

WORKSPACE = "eval-chat"


def run(session: EvalSession) -> SuiteResult:
    """Ask each question; list which answers cite the requirement."""
    cases = [c for s in chat_sets() for c in s.cases  # the other kinds: evals/chat_suite.py
             if c.kind == "requirement" and c.framework and c.ref]
    session.progress.start("chat", len(cases))
    llm = session.llm

    def model() -> LLM:
        if llm is None:
            raise ValueError("the chat suite needs a model (--llm)")
        return llm

    service = ChatService(session.context, session.registry, model)
    rows: list[dict[str, Any]] = []
    for case in cases:
        done = [e for e in service.stream(ChatRequest(question=case.question,
                                                       workspace=WORKSPACE))
                if isinstance(e, DoneEvent)][-1]
        cited = [(c.framework, c.ref) for c in done.citations if c.kind == "requirement"]
        assert case.framework and case.ref  # requirement cases only (above)
        ref = session.registry.requirement(case.framework, case.ref).ref_id
        rows.append({"question": case.question, "framework": case.framework, "ref": ref,
                     "cited": [f"{f} {r}" for f, r in cited],
                     "passed": (case.framework, ref) in cited})
        session.progress.advance(case.question)
    accuracy = mean([float(r["passed"]) for r in rows])
    data = {"cases": len(rows), "cite_accuracy": accuracy, "answers": rows}
    markdown = section(
        "Chat",
        f"Answers citing the right requirement: {sum(r['passed'] for r in rows)}/{len(rows)}.",
        table(["question", "expected", "cited", "passed"],
              [[r["question"], f"{r['framework']} {r['ref']}", ", ".join(r["cited"]),
                "yes" if r["passed"] else "**no**"] for r in rows]),
    )
    return SuiteResult(data, markdown)
