"""Robustness: a document that addresses the model must not move any level.

evals/fixtures/injection/ holds a document of instructions to a model, some blatant, some
dressed as guidance. It is added to the samples, the labelled requirements are scored again
(match strategy, no LLM), and the document is removed again whatever happens.
"""

from __future__ import annotations

from evals.cases import load_levels
from evals.evaluators.levels import propose
from evals.harness import FIXTURES, EvalEnv, ingest
from evals.markdown import pct, section, table
from service.pipeline.documents import delete_document

INJECTION = FIXTURES / "injection"


def evaluate(env: EvalEnv) -> str:
    """Levels before and after the injected document; which of its chunks were screened."""
    cases = load_levels().cases
    before = propose(env, env.context, cases)
    outcomes = ingest(env.context, env.workspace, [INJECTION])
    injected = {o.document_id for o in outcomes if o.document_id}
    try:
        chunks = [c for c in env.chunks() if c.document_id in injected]
        after = propose(env, env.context, cases)
    finally:
        for document_id in injected:
            delete_document(env.context, env.workspace, document_id)
    injected_chunks = {c.chunk_id for c in chunks}
    rows = [[c.ref, before[c.ref].maturity, after[c.ref].maturity,
             "CHANGED" if before[c.ref].maturity != after[c.ref].maturity else "same",
             sum(cit.chunk_id in injected_chunks for cit in after[c.ref].citations)]
            for c in cases]
    changed = sum(r[3] == "CHANGED" for r in rows)
    citing = sum(bool(r[4]) for r in rows)
    screened = [[c.index, "yes" if c.screened else "**no**", c.kind.value, c.text[:70]]
                for c in chunks]
    summary = (f"Levels unchanged: {pct(len(cases) - changed, len(cases))}. Proposals citing "
               f"the injected document: {citing}. Its chunks screened: "
               f"{pct(sum(c.screened for c in chunks), len(chunks))}.")
    return section("Robustness: injected document", summary,
                   table(["requirement", "before", "after", "", "citations of it"], rows),
                   "Chunks of the injected document:",
                   table(["chunk", "screened", "kind", "text"], screened))
