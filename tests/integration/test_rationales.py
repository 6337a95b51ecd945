"""Rationales after the levels: the model writes them (here the scripted model, for the logic),
the checks keep the template where a reply fails, the cache spares re-runs, and in `serve`
a follow-on job fills them in after the assessment job has stored the levels."""

from __future__ import annotations

import time

import pytest

from service.components.catalog import CatalogRegistry, build_registry
from service.components.jobs import ThreadDispatcher
from service.components.llm import fake_llm
from service.domain.assessment import Proposal, RationaleSource
from service.domain.jobs import JobHandler, JobState
from service.pipeline.assess import AssessmentRequest, run_assessment
from service.pipeline.assessment_jobs import (
    KIND,
    RATIONALES,
    assessment_handler,
    assessment_params,
    rationale_handler,
)
from service.pipeline.context import PipelineContext
from service.pipeline.jobs import JobService
from service.pipeline.rationales import write_rationales
from service.pipeline.report import load_assessment
from service.settings import JobsSettings
from tests.conftest import CachingEmbedder, ContextFactory
from tests.integration.test_assessment_engine import FRAMEWORK, POLICIES, RECORDS, SUBSET, ingest

pytestmark = pytest.mark.integration
GOOD = ("The documents show part of what this requirement asks. What is not shown keeps the "
        "level from being higher.")
INVENTED = "The file board_minutes.pdf proves every control. The level should be 5."


@pytest.fixture
def context(make_context: ContextFactory, cached_embedder: CachingEmbedder,
            monkeypatch: pytest.MonkeyPatch) -> PipelineContext:
    monkeypatch.setenv("ASSAY_SCORING__VERIFY", "false")  # the model writes rationales only
    built = make_context(embedder=cached_embedder)
    assert built.settings.scoring.rationale == "llm"
    ingest(built, "w", (*POLICIES, *RECORDS))
    return built


@pytest.fixture
def registry(context: PipelineContext) -> CatalogRegistry:
    return build_registry(context.settings)


def proposals(context: PipelineContext, assessment_id: str) -> list[Proposal]:
    return load_assessment(context, assessment_id, "w")[1]


def sources(context: PipelineContext, assessment_id: str) -> set[RationaleSource]:
    return {p.rationale_source for p in proposals(context, assessment_id)}


def test_levels_first_then_the_model_rationale_then_the_cache(
    context: PipelineContext, registry: CatalogRegistry,
) -> None:
    llm = fake_llm([GOOD])
    request = AssessmentRequest("w", FRAMEWORK, SUBSET)
    assessment_id = run_assessment(context, registry, request, llm)
    assert llm.usage().calls == 0  # the levels asked nothing: no verifier here
    levels = {p.ref_id: p.level for p in proposals(context, assessment_id)}
    pending = [p for p in proposals(context, assessment_id)
               if p.rationale_source == RationaleSource.PENDING]
    assert pending and all(p.rationale.startswith("Level ") for p in pending)

    run = write_rationales(context, assessment_id, llm)
    assert (run.written, run.cached, run.fallback) == (len(pending), 0, 0)
    written = {p.ref_id: p for p in proposals(context, assessment_id)}
    assert {p.ref_id: p.level for p in written.values()} == levels
    for p in pending:
        assert written[p.ref_id].rationale == GOOD
        assert written[p.ref_id].rationale_source == RationaleSource.MODEL
        assert written[p.ref_id].provenance.prompts["rationale"] == "2"

    again = run_assessment(context, registry, request, llm)
    calls = llm.usage().calls
    rerun = write_rationales(context, again, llm)
    assert (rerun.written, rerun.cached) == (0, len(pending))
    assert llm.usage().calls == calls
    assert RationaleSource.PENDING not in sources(context, again)


def test_a_reply_that_fails_a_check_leaves_the_template(
    context: PipelineContext, registry: CatalogRegistry,
) -> None:
    assessment_id = run_assessment(context, registry,
                                   AssessmentRequest("w", FRAMEWORK, SUBSET), fake_llm([INVENTED]))
    before = {p.ref_id: p.rationale for p in proposals(context, assessment_id)}
    run = write_rationales(context, assessment_id, fake_llm([INVENTED]))
    assert run.fallback == run.written > 0
    after = proposals(context, assessment_id)
    assert {p.ref_id: p.rationale for p in after} == before
    assert sources(context, assessment_id) == {RationaleSource.TEMPLATE}


def test_no_rationale_keeps_the_template_and_asks_nothing(
    context: PipelineContext, registry: CatalogRegistry,
) -> None:
    llm = fake_llm([GOOD])
    request = AssessmentRequest("w", FRAMEWORK, SUBSET, model_rationale=False)
    assessment_id = run_assessment(context, registry, request, llm)
    assert sources(context, assessment_id) == {RationaleSource.TEMPLATE}
    assert write_rationales(context, assessment_id, llm).written == 0
    assert llm.usage().calls == 0


def test_in_serve_a_follow_on_job_fills_the_rationales_in(
    context: PipelineContext, registry: CatalogRegistry,
) -> None:
    llm = fake_llm([GOOD])
    settings = JobsSettings(workers=1, lease_seconds=5.0)
    made: list[JobService] = []
    handlers: dict[str, JobHandler] = {
        KIND: assessment_handler(context, registry, lambda: llm, lambda: made[0]),
        RATIONALES: rationale_handler(context, lambda: llm),
    }
    jobs = JobService(context.sessions, handlers, settings, hold_queued=True)
    made.append(jobs)
    jobs.attach(ThreadDispatcher(settings.workers, jobs.execute))
    try:
        request = AssessmentRequest("w", FRAMEWORK, SUBSET)
        job = jobs.submit(KIND, assessment_params(request, "system"), scope="w")
        deadline = time.monotonic() + 120
        while jobs.status(job).state not in (JobState.DONE, JobState.FAILED):
            assert time.monotonic() < deadline
            time.sleep(0.05)
        assessment_id = jobs.status(job).result
        assert jobs.status(job).state == JobState.DONE and assessment_id
        while RationaleSource.PENDING in sources(context, assessment_id):
            assert time.monotonic() < deadline
            time.sleep(0.05)
        assert RationaleSource.MODEL in sources(context, assessment_id)
    finally:
        jobs.shutdown()
