"""The model writes each proposal's rationale, after the levels, from the findings alone.

A run of ``write_rationales`` takes the assessment's proposals marked pending, one by one:
it asks the model (or the cache, keyed by the prompt, which holds the findings, with the
model and the prompt version), checks the reply, and stores it in place of the template's
text; a reply that fails a check leaves the template standing. Each proposal is committed on
its own, so the levels are never held up and an interrupted run resumes where it stopped.
A signed assessment is left as signed.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from service.components.llm import LLM
from service.components.prompts import load_prompt
from service.db import ProposalRow
from service.db.assessments import proposals_of
from service.db.rationale_cache import cache_rationale, cached_rationale
from service.db.signatures import signatures_in
from service.domain.assessment import Proposal, RationaleSource
from service.pipeline.context import PipelineContext
from service.pipeline.score.rationale import (
    MAX_TOKENS,
    cache_key,
    complete_sentences,
    rationale_problems,
    rationale_prompt,
)
from service.pipeline.scoring_setup import maturity_labels

logger = logging.getLogger(__name__)
Progress = Callable[[int, int, str], None]


@dataclass
class RationaleRun:
    """What a run did: rationales the model wrote, found cached, or left to the template."""

    written: int = 0
    cached: int = 0
    fallback: int = 0
    signed: bool = False


def pending_count(context: PipelineContext, assessment_id: str) -> int:
    """How many of the assessment's proposals still wait for the model's rationale."""
    with context.sessions() as session:
        return sum(_pending(row) for row in proposals_of(session, assessment_id))


def _pending(row: ProposalRow) -> bool:
    return bool(row.payload.get("rationale_source") == RationaleSource.PENDING.value)


def write_rationales(
    context: PipelineContext, assessment_id: str, llm: LLM,
    on_progress: Progress = lambda done, total, ref: None, limit: int | None = None,
) -> RationaleRun:
    """Replace every pending rationale of the assessment with the model's, where it passes.

    ``limit`` stops after that many (the rest stay pending, for a later run).
    """
    template = load_prompt("rationale")
    labels = maturity_labels(context.settings)
    run = RationaleRun()
    with context.sessions() as session:
        if signatures_in(session, assessment_id, active_only=True):
            return RationaleRun(signed=True)
        ids = [row.id for row in proposals_of(session, assessment_id) if _pending(row)]
    ids = ids[:limit] if limit is not None else ids
    on_progress(0, len(ids), "")
    for done, row_id in enumerate(ids, start=1):
        with context.sessions() as session:
            row = session.get(ProposalRow, row_id)
            if row is None or not _pending(row):
                continue
            proposal = Proposal.model_validate(row.payload)
            documents = {c.chunk_id: c.document for c in proposal.citations}
            system, user = rationale_prompt(template, proposal.ref_id, proposal.title,
                                            proposal.maturity, labels[proposal.maturity],
                                            proposal.facets, documents)
            key = cache_key(llm.model_id, template, system, user)
            reply = cached_rationale(session, key)
            if reply is None:
                reply = llm.generate(system, user, max_tokens=MAX_TOKENS)
                cache_rationale(session, key, llm.model_id, template.version, reply)
                run.written += 1
            else:
                run.cached += 1
            text = complete_sentences(reply)
            problems = rationale_problems(text, proposal.facets, documents)
            update: dict[str, object] = {"rationale_source": RationaleSource.TEMPLATE}
            if problems:
                run.fallback += 1
                logger.info("rationale of %s left to the template: %s", proposal.ref_id,
                            "; ".join(problems))
            else:
                prompts = {**proposal.provenance.prompts, template.id: template.version}
                update = {"rationale": text, "rationale_source": RationaleSource.MODEL,
                          "provenance": proposal.provenance.model_copy(
                              update={"prompts": prompts})}
            row.payload = proposal.model_copy(update=update).model_dump(mode="json")
            session.commit()
            on_progress(done, len(ids), proposal.ref_id)
    return run
