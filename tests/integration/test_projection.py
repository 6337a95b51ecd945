"""Projections: an ISO 27001 assessment with reviews carried onto NIST CSF 2.0 and EU GMP."""

from __future__ import annotations

import pytest

from service.components.catalog import CatalogRegistry, build_registry
from service.components.embedding import FakeEmbedder
from service.domain.catalog import Relationship
from service.domain.projection import CarryStatus, EvidenceCheck, ProjectedResult
from service.domain.review import ReviewAction, ReviewState
from service.errors import InvalidInputError
from service.pipeline.context import PipelineContext
from service.pipeline.ingest import Ingestor
from service.pipeline.projection import load_projection, project_assessment
from service.pipeline.report import build_report
from service.pipeline.review import ReviewDecision, review_proposal
from service.settings import Settings
from tests.assessments import store_assessment
from tests.conftest import SAMPLES, ContextFactory

pytestmark = pytest.mark.integration
# A.5.15 accepted at 3, A.8.13 proposed 2 and overridden to 4, A.5.18 proposed 1 (not
# reviewed), A.8.5 reviewed not applicable: it carries nothing.
LEVELS = {"A.5.15": 3, "A.5.18": 1, "A.8.13": 2, "A.8.5": 2}


@pytest.fixture(scope="module")
def registry() -> CatalogRegistry:
    return build_registry(Settings())


def reviewed_iso_assessment(context: PipelineContext, registry: CatalogRegistry) -> str:
    source = store_assessment(context.sessions, LEVELS)
    decisions = [ReviewDecision(source, "A.5.15", ReviewAction.ACCEPT),
                 ReviewDecision(source, "A.8.13", ReviewAction.OVERRIDE, 4, "restore tests"),
                 ReviewDecision(source, "A.8.5", ReviewAction.NA, None, "no logins here")]
    with context.sessions() as session:
        for decision in decisions:
            review_proposal(session, registry, decision, actor="rita", workspace="qa")
    return source


def by_ref(results: tuple[ProjectedResult, ...]) -> dict[str, ProjectedResult]:
    return {r.ref_id: r for r in results}


def test_nist_csf_carries_reviewed_levels_by_the_rules(
    make_context: ContextFactory, fake_embedder: FakeEmbedder, registry: CatalogRegistry
) -> None:
    context = make_context(embedder=fake_embedder)
    source = reviewed_iso_assessment(context, registry)
    projection = project_assessment(context, registry, source, "qa", "nist-csf-2.0", None)
    results = by_ref(projection.results)
    assert projection.source_assessment_id == source
    assert len(results) == len(registry.assessable("nist-csf-2.0"))
    # equal link: the overridden level carries whole, as reviewed in the source
    backups = results["PR.DS-11"]
    assert (backups.level, backups.status) == (4, CarryStatus.CARRIED)
    [origin] = backups.carried_from
    assert (origin.ref_id, origin.relationship, origin.level) == ("A.8.13", Relationship.EQUAL, 4)
    assert origin.reviewed and origin.review_state == ReviewState.OVERRIDDEN
    assert origin.source_assessment_id == source
    assert origin.crosswalk == "iso27001-2022__nist-csf-2.0.yaml"
    assert len(origin.crosswalk_version) == 12
    # intersects: the minimum of the assessed sources; the N/A one (A.8.5) carries nothing
    identities = results["PR.AA-01"]
    assert (identities.level, identities.status) == (1, CarryStatus.CARRIED_PARTIAL)
    assert {s.ref_id: s.reviewed for s in identities.carried_from} == {
        "A.5.15": True, "A.5.18": False}
    # linked only to unassessed or not-applicable sources, or to nothing: left empty
    for ref in ("PR.AA-02", "GV.PO-01", "GV.OC-01"):
        assert (results[ref].level, results[ref].status) == (None, CarryStatus.NOT_CARRIED)
        assert results[ref].carried_from == () and results[ref].evidence_check is None
    # an empty workspace: every carried result says so
    carried = [r for r in projection.results if r.status != CarryStatus.NOT_CARRIED]
    assert {r.evidence_check for r in carried} == {EvidenceCheck.NO_EVIDENCE}
    # carried levels are proposals in the target: nobody has reviewed them there
    report = build_report(context, registry, projection.assessment_id, "qa")
    assert {item.review_state for item in report.requirements} == {ReviewState.PENDING}
    stored = {item.ref_id: item for item in report.requirements}
    assert stored["PR.DS-11"].projection is not None
    assert stored["PR.DS-11"].projection.carried_from == backups.carried_from
    assert load_projection(context, registry, projection.assessment_id, "qa") == projection
    themes = {c.theme: c for c in projection.coverage}
    assert sum(c.carried for c in themes.values()) == len(carried)
    assert sum(c.remaining for c in themes.values()) == len(results) - len(carried)


def test_eu_gmp_annex_11_carries_partially_and_leaves_the_rest(
    make_context: ContextFactory, fake_embedder: FakeEmbedder, registry: CatalogRegistry
) -> None:
    context = make_context(embedder=fake_embedder)
    source = reviewed_iso_assessment(context, registry)
    results = by_ref(project_assessment(context, registry, source, "qa", "eu-gmp", None).results)
    assert (results["A11-7"].level, results["A11-7"].status) == (4, CarryStatus.CARRIED_PARTIAL)
    assert (results["A11-12"].level, results["A11-12"].status) == (
        1, CarryStatus.CARRIED_PARTIAL)
    carried = {ref for ref, r in results.items() if r.status != CarryStatus.NOT_CARRIED}
    assert carried == {"A11-7", "A11-12", "A11-15", "A11-17", "A11-2"}
    assert all(results[ref].level is None for ref in set(results) - carried)


def test_bad_targets_are_refused(
    make_context: ContextFactory, fake_embedder: FakeEmbedder, registry: CatalogRegistry
) -> None:
    context = make_context(embedder=fake_embedder)
    source = store_assessment(context.sessions, {"A.5.15": 3})
    with pytest.raises(InvalidInputError, match="already of iso27001-2022"):
        project_assessment(context, registry, source, "qa", "iso27001-2022", None)
    with pytest.raises(InvalidInputError, match="no crosswalk links"):
        project_assessment(context, registry, source, "qa", "gmp-21cfr211", None)


EVIDENCE = ("access_control_policy.docx", "backup_restore_standard.pdf",
            "backup_restore_test_log_2026.csv")


def test_evidence_check_on_the_samples(
    make_context: ContextFactory, registry: CatalogRegistry
) -> None:
    """Hand-checked: the samples show backups at maturity 3 and access control at 2.

    A.8.13 overridden to 0 carries onto PR.DS-11 (equal) and disagrees with the backup
    standard and restore log; A.5.15 accepted at 3 carries onto PR.AA-05 and agrees.
    """
    context = make_context()
    for name in EVIDENCE:
        Ingestor(context, "qa").ingest(SAMPLES / name, name)
    source = store_assessment(context.sessions, {"A.8.13": 2, "A.5.15": 3})
    decisions = [ReviewDecision(source, "A.5.15", ReviewAction.ACCEPT),
                 ReviewDecision(source, "A.8.13", ReviewAction.OVERRIDE, 0, "not tested")]
    with context.sessions() as session:
        for decision in decisions:
            review_proposal(session, registry, decision, actor="rita", workspace="qa")
    projection = project_assessment(context, registry, source, "qa", "nist-csf-2.0", None)
    results = by_ref(projection.results)
    backups, access = results["PR.DS-11"], results["PR.AA-05"]
    assert (backups.level, backups.evidence_check) == (0, EvidenceCheck.DISAGREES)
    assert backups.evidence_level is not None and backups.evidence_level >= 2
    assert backups.check_note.startswith(f"carried 0, the evidence shows {backups.evidence_level}")
    assert (access.level, access.evidence_check) == (3, EvidenceCheck.AGREES)
    assert projection.results[0].evidence_check == EvidenceCheck.DISAGREES
    report = build_report(context, registry, projection.assessment_id, "qa")
    [flagged] = [item for item in report.requirements if item.ref_id == "PR.DS-11"]
    assert flagged.status == "flagged"
