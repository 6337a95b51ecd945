"""Strategy `judge`: the model's findings stand only if every verifier upholds them."""

from __future__ import annotations

import dataclasses
import json
from datetime import date
from pathlib import Path

import pytest

from service.components.embedding import FakeEmbedder
from service.components.llm import fake_llm
from service.components.prompts import load_prompt
from service.domain.assessment import FacetStatus, ProposalStatus
from service.domain.catalog import Scale
from service.domain.evidence import Chunk, Evidence, EvidenceKind
from service.pipeline.context import PipelineContext
from service.pipeline.ingest import Ingestor
from service.pipeline.retrieve import Retriever
from service.pipeline.score.judge_strategy import JudgeStrategy
from service.pipeline.scoring_setup import build_scorer, retrieval_params, thresholds
from service.settings import ScoringSettings
from tests.conftest import ContextFactory
from tests.requirements import BACKUP

POLICY_TEXT = ("The backup policy defines how often backups are taken and how long copies are "
               "kept. Restore tests are required every quarter.")
RECORD_TEXT = ("On 2026-03-02 data was restored from backup and the restored data was checked.\n"
               "The canteen opens at noon for all staff members.\n"
               "Restore testing of the archive is planned for 2027.")
REQUIREMENT = BACKUP
POLICY_QUOTE = "The backup policy defines how often backups are taken and how long copies are kept."
RECORD_QUOTE = "On 2026-03-02 data was restored from backup and the restored data was checked."


def chunk(n: int, text: str, kind: EvidenceKind) -> Chunk:
    return Chunk(chunk_id=f"d{n}:abc:00000", workspace="w", document_id=f"d{n}",
                 document=f"doc{n}.md", index=0, text=text, kind=kind)


EVIDENCE = [Evidence(chunk=chunk(1, POLICY_TEXT, EvidenceKind.POLICY), score=0.8),
            Evidence(chunk=chunk(2, RECORD_TEXT, EvidenceKind.RECORD), score=0.7)]


def reply(**claimed: tuple[str, str | None, str | None]) -> str:
    """The model's JSON: the facets named as (status, quote, passage), the others not_met."""
    facets = [{"facet_id": f.id, "status": "not_met", "quote": None, "passage": None}
              for f in REQUIREMENT.facets]
    for facet in facets:
        key = str(facet["facet_id"]).replace("X.1-", "")
        if key in claimed:
            facet["status"], facet["quote"], facet["passage"] = claimed[key]
    return json.dumps({"facets": facets})


@pytest.fixture
def retriever(make_context: ContextFactory, fake_embedder: FakeEmbedder) -> Retriever:
    context = make_context(embedder=fake_embedder)
    return Retriever(context, "w", retrieval_params(ScoringSettings()))


def judge(script: str, retriever: Retriever) -> JudgeStrategy:
    return JudgeStrategy(fake_llm([script]), load_prompt("judge-facets"), retriever,
                         thresholds(ScoringSettings()))


def test_correct_findings_stand(retriever: Retriever) -> None:
    strategy = judge(reply(f1=("met", POLICY_QUOTE, "P1"), f2=("partial", RECORD_QUOTE, "P2")),
                     retriever)
    found = strategy.findings(REQUIREMENT, EVIDENCE)
    findings, flags = found.facets, found.flags
    assert flags == []
    assert [f.status for f in findings] == [FacetStatus.MET, FacetStatus.PARTIAL,
                                            FacetStatus.NOT_MET]
    assert (findings[0].quote, findings[0].chunk_id) == (POLICY_QUOTE, "d1:abc:00000")
    assert (findings[1].quote, findings[1].chunk_id) == (RECORD_QUOTE, "d2:abc:00000")
    assert findings[1].similarity > 0.5
    assert strategy.agreement == 1.0


@pytest.mark.parametrize(
    ("facet", "claimed", "reason"),
    [
        ("f1", ("met", "A backup policy exists and is approved.", "P1"), "not verbatim"),
        ("f1", ("met", POLICY_QUOTE, "P7"), "cites passage 'P7', which was not retrieved"),
        ("f1", ("met", POLICY_QUOTE, None), "which was not retrieved"),
        ("f2", ("met", POLICY_QUOTE, "P1"), "needs a record, the passage is a policy"),
        ("f3", ("met", "Restore tests are required every quarter.", "P1"), "needs a record"),
        ("f2", ("met", "The canteen opens at noon for all staff members.", "P2"),
         "unrelated to the facet"),
        ("f2", ("partial", "Restore testing of the archive is planned for 2027.", "P2"),
         "hedged or negated"),
    ],
)
def test_a_finding_that_fails_a_check_is_downgraded_and_flagged(
    retriever: Retriever, facet: str, claimed: tuple[str, str | None, str | None], reason: str
) -> None:
    strategy = judge(reply(**{facet: claimed}), retriever)
    found = strategy.findings(REQUIREMENT, EVIDENCE)
    findings, flags = found.facets, found.flags
    [downgraded] = [f for f in findings if f.id == f"X.1-{facet}"]
    assert downgraded.status == FacetStatus.NOT_MET
    assert (downgraded.quote, downgraded.chunk_id) == (None, None)
    assert reason in downgraded.note
    assert len(flags) == 1 and flags[0].startswith(f"X.1-{facet}: ") and reason in flags[0]
    assert all(f.status == FacetStatus.NOT_MET for f in findings)
    assert strategy.agreement == 0.0


def test_a_facet_the_model_skipped_is_flagged(retriever: Retriever) -> None:
    script = json.dumps({"facets": [{"facet_id": "X.1-f1", "status": "met",
                                     "quote": POLICY_QUOTE, "passage": "P1"}]})
    found = judge(script, retriever).findings(REQUIREMENT, EVIDENCE)
    findings, flags = found.facets, found.flags
    assert findings[0].status == FacetStatus.MET
    assert flags == ["X.1-f2: the model gave no finding", "X.1-f3: the model gave no finding"]


@pytest.fixture
def judged_context(make_context: ContextFactory, fake_embedder: FakeEmbedder,
                   tmp_path: Path) -> PipelineContext:
    context = make_context(embedder=fake_embedder)
    path = tmp_path / "restore_test_log.md"
    path.write_text(f"# Restore test log\n\n{RECORD_QUOTE}\n")
    assert Ingestor(context, "w").ingest(path, path.name).status == "indexed"
    scoring = ScoringSettings(strategy="judge", verify=False)
    return dataclasses.replace(context,
                               settings=context.settings.model_copy(update={"scoring": scoring}))


SCALE = Scale.model_validate({"id": "maturity-0-5", "name": "Maturity", "levels": [
    {"value": v, "label": str(v), "descriptor": "d"} for v in range(6)]})
AS_OF = date(2026, 12, 1)  # the restore of 2026-03-02 is within 12 months


def test_a_downgrade_flags_the_proposal(judged_context: PipelineContext) -> None:
    scale = SCALE
    good = reply(f2=("met", RECORD_QUOTE, "P1"))
    scorer, _ = build_scorer(judged_context, "w", scale, fake_llm([good]), AS_OF)
    proposal = scorer.propose(REQUIREMENT)
    assert (proposal.status, proposal.flags) == (ProposalStatus.PROPOSED, ())
    assert [c.quote for c in proposal.citations] == [RECORD_QUOTE]
    assert proposal.provenance.strategy == "judge"
    assert proposal.provenance.prompts == {"judge-facets": "1"}
    invented = reply(f2=("met", "Every restore in 2026 passed its checks.", "P1"))
    scorer, _ = build_scorer(judged_context, "w", scale, fake_llm([invented]), AS_OF)
    flagged = scorer.propose(REQUIREMENT)
    assert flagged.status == ProposalStatus.FLAGGED
    assert flagged.flags == ("X.1-f2: the quote is not verbatim in the cited passage",)
    assert flagged.citations == ()
    assert flagged.implementation_level <= proposal.implementation_level


def test_a_stale_record_cannot_show_practice(judged_context: PipelineContext) -> None:
    claimed = reply(f2=("met", RECORD_QUOTE, "P1"))
    scorer, _ = build_scorer(judged_context, "w", SCALE, fake_llm([claimed]), date(2027, 6, 1))
    stale = scorer.propose(REQUIREMENT)
    assert stale.status == ProposalStatus.FLAGGED
    assert stale.flags == ("X.1-f2: an implementation facet needs a current record, the "
                           "passage's record is older than the review period",)
    assert stale.implementation_level == 0 and stale.citations == ()
    assert stale.gaps[0].startswith("The latest record in restore_test_log.md is from "
                                    "2 March 2026, older than the 12-month review period "
                                    "as of 1 June 2027")
    assert stale.provenance.as_of == date(2027, 6, 1)
