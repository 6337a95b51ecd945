"""The embedded 1.5B model writes rationales after the levels, on two requirements of the
samples: each one it writes passes the checks (or the template stands), and levels stay."""

from __future__ import annotations

from pathlib import Path

import pytest

from service.components.catalog import build_registry
from service.components.llm import LLM, build_llm
from service.domain.assessment import RationaleSource
from service.pipeline.assess import AssessmentRequest, run_assessment
from service.pipeline.rationales import write_rationales
from service.pipeline.report import load_assessment
from service.pipeline.score.rationale import rationale_problems
from service.settings import LLMSettings
from tests.conftest import CachingEmbedder, ContextFactory
from tests.integration.test_assessment_engine import FRAMEWORK, POLICIES, RECORDS, ingest

pytestmark = [pytest.mark.integration, pytest.mark.real_llm]
REFS = ("A.5.15", "A.8.13")


@pytest.fixture(scope="module")
def local_llm(local_model_data_dir: Path) -> LLM:
    return build_llm(LLMSettings(mode="local"), local_model_data_dir)


def test_the_local_model_writes_checked_rationales_after_the_levels(
    make_context: ContextFactory, cached_embedder: CachingEmbedder, local_llm: LLM,
) -> None:
    context = make_context(embedder=cached_embedder)
    ingest(context, "w", (*POLICIES, *RECORDS))
    registry = build_registry(context.settings)
    assessment_id = run_assessment(context, registry, AssessmentRequest("w", FRAMEWORK, REFS),
                                   local_llm)
    _, before = load_assessment(context, assessment_id, "w")
    assert {p.rationale_source for p in before} == {RationaleSource.PENDING}

    run = write_rationales(context, assessment_id, local_llm)
    assert run.written == len(REFS)
    _, after = load_assessment(context, assessment_id, "w")
    assert [p.level for p in after] == [p.level for p in before]
    by_model = [p for p in after if p.rationale_source == RationaleSource.MODEL]
    assert by_model, [p.rationale for p in after]
    for p in by_model:
        documents = {c.chunk_id: c.document for c in p.citations}
        assert rationale_problems(p.rationale, p.facets, documents) == []
        assert p.rationale != next(b.rationale for b in before if b.ref_id == p.ref_id)
    for p in after:
        print(f"{p.ref_id} level {p.level} [{p.rationale_source.value}]: {p.rationale}")
