"""The assessment engine with the embedded 1.5B model verifying every match (a tiny subset)."""

from __future__ import annotations

from pathlib import Path

import pytest

from service.components.catalog import build_registry
from service.components.llm import LLM, build_llm
from service.components.prompts import load_prompt
from service.pipeline.assess import AssessmentRequest, run_assessment
from service.pipeline.context import PipelineContext
from service.pipeline.report import build_report, load_assessment
from service.settings import LLMSettings
from tests.conftest import CachingEmbedder, ContextFactory
from tests.files import write_pdf
from tests.integration.test_assessment_engine import (
    INJECTED,
    INJECTION_PAGE,
    Results,
    assert_citations_verify,
    ingest,
)

pytestmark = [pytest.mark.integration, pytest.mark.real_llm]
SUBSET = ("A.8.13", "A.8.24")  # the injected page is a cryptography policy: it aims at A.8.24
FILES = ("backup_restore_standard.pdf", "backup_restore_test_log_2026.csv")


@pytest.fixture(scope="module")
def local_llm(local_model_data_dir: Path) -> LLM:
    return build_llm(LLMSettings(mode="local"), local_model_data_dir)


def assess(context: PipelineContext, workspace: str, llm: LLM) -> tuple[str, Results]:
    registry = build_registry(context.settings)
    request = AssessmentRequest(workspace, "iso27001-2022", SUBSET)
    assessment_id = run_assessment(context, registry, request, llm)
    header, proposals = load_assessment(context, assessment_id)
    assert header["status"] == "completed"
    return assessment_id, {p.ref_id: p for p in proposals}


def test_the_local_model_verifies_and_an_injection_moves_nothing(
    make_context: ContextFactory, cached_embedder: CachingEmbedder, local_llm: LLM,
    tmp_path: Path,
) -> None:
    context = make_context(embedder=cached_embedder)
    assert context.settings.scoring.verify
    write_pdf(tmp_path / INJECTED, [INJECTION_PAGE])
    ingest(context, "clean", FILES)
    ingest(context, "injected", FILES)
    ingest(context, "injected", (INJECTED,), tmp_path)
    calls = local_llm.usage().calls
    _, clean = assess(context, "clean", local_llm)
    assert local_llm.usage().calls > calls  # the verifier asked the model
    verify = load_prompt("verify-facet")
    for proposal in clean.values():
        assert proposal.provenance.model_id == local_llm.model_id
        assert proposal.provenance.model_id.startswith("local:")
        assert proposal.provenance.prompts == {verify.id: verify.version}
    assert sorted(clean) == sorted(SUBSET)
    assert assert_citations_verify(context, "clean", clean) >= 1

    assessment_id, injected = assess(context, "injected", local_llm)
    for ref in SUBSET:
        assert injected[ref].level == clean[ref].level
        assert [f.status for f in injected[ref].facets] == [f.status for f in clean[ref].facets]
    assert_citations_verify(context, "injected", injected)
    assert [s["document"] for s in build_report(context, assessment_id)["screened"]] == [INJECTED]
