"""Signing off an assessment and re-opening it, on SQLite and PostgreSQL (21 CFR Part 11)."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from service.components.catalog import CatalogRegistry, build_registry
from service.db import Session, sessionmaker
from service.domain.review import ReviewAction
from service.domain.signature import SignatureMeaning
from service.errors import ConflictError, ForbiddenError, InvalidInputError, NotFoundError
from service.pipeline.audit import list_events, verify
from service.pipeline.members import add_member
from service.pipeline.review import ReviewDecision, review_proposal
from service.pipeline.signoff import SignOff, list_signatures, reopen_assessment, sign_assessment
from service.pipeline.users import create_token, create_user, revoke_token
from service.settings import Settings
from tests.assessments import store_assessment

pytestmark = pytest.mark.integration
pytest_plugins = ["tests.databases"]
APPROVED, REVIEWED = SignatureMeaning.APPROVED, SignatureMeaning.REVIEWED


@pytest.fixture(scope="module")
def registry() -> CatalogRegistry:
    return build_registry(Settings())


@pytest.fixture
def tokens(sessions: sessionmaker[Session]) -> dict[str, str]:
    """Rita reviews and Axel assesses in workspace qa; each has a token."""
    store_assessment(sessions, {"A.5.15": 2}, workspace="qa")
    with sessions() as session:
        issued = {}
        for name, role in (("rita", "reviewer"), ("axel", "assessor")):
            create_user(session, name, actor="test")
            add_member(session, "qa", name, role, actor="test")
            issued[name] = create_token(session, name, actor="test").token
    return issued


def accept(sessions: sessionmaker[Session], registry: CatalogRegistry, assessment: str) -> None:
    with sessions() as session:
        review_proposal(session, registry,
                        ReviewDecision(assessment, "A.5.15", ReviewAction.ACCEPT), actor="rita",
                        workspace="qa")


def sign(sessions: sessionmaker[Session], assessment: str, signer: str, token: str,
         meaning: SignatureMeaning = APPROVED) -> None:
    with sessions() as session:
        sign_assessment(session, SignOff(assessment, signer, meaning, token), workspace="qa")


def test_a_signature_names_who_when_what_and_locks_the_assessment(
    sessions: sessionmaker[Session], registry: CatalogRegistry, tokens: dict[str, str]
) -> None:
    assessment = store_assessment(sessions, {"A.5.15": 2, "A.5.16": 3})
    accept(sessions, registry, assessment)
    sign(sessions, assessment, "rita", tokens["rita"])
    with sessions() as session:
        [signature] = list_signatures(session, assessment, "qa")
        events = list_events(session, "qa")
        assert verify(session).ok
    assert (signature.signer, signature.meaning, signature.active) == ("rita", APPROVED, True)
    assert signature.content_intact is True and len(signature.content_hash) == 64
    signed = events[-1]
    assert (signed.actor, signed.action) == ("rita", "assessment.signed")
    assert signed.after == {"signature": signature.id, "meaning": "approved",
                            "content_hash": signature.content_hash}
    with pytest.raises(ConflictError, match=r"is signed \(approved by rita at .*re-open it"):
        accept(sessions, registry, assessment)


def test_the_credential_must_be_the_signers_own_current_token(
    sessions: sessionmaker[Session], tokens: dict[str, str]
) -> None:
    assessment = store_assessment(sessions, {"A.5.15": 2})
    for token in (tokens["axel"], "assay_wrong", ""):
        with pytest.raises(ForbiddenError, match="re-entered API token"):
            sign(sessions, assessment, "rita", token)
    with sessions() as session:
        spare = create_token(session, "rita", actor="test")
        revoke_token(session, "rita", spare.id, actor="test")
    with pytest.raises(ForbiddenError, match="re-entered API token"):
        sign(sessions, assessment, "rita", spare.token)
    with sessions() as session:
        refused = [e for e in list_events(session) if e.action == "signature.refused"]
        assert not list_signatures(session, assessment, "qa")
    assert len(refused) == 4 and {e.actor for e in refused} == {"rita"}


def test_only_a_reviewer_signs_a_completed_assessment_once_per_meaning(
    sessions: sessionmaker[Session], tokens: dict[str, str]
) -> None:
    assessment = store_assessment(sessions, {"A.5.15": 2})
    with pytest.raises(ForbiddenError, match="needs the reviewer role"):
        sign(sessions, assessment, "axel", tokens["axel"])
    with pytest.raises(NotFoundError):
        sign(sessions, "no-such-id", "rita", tokens["rita"])
    sign(sessions, assessment, "rita", tokens["rita"], REVIEWED)
    with pytest.raises(ConflictError, match="already signed"):
        sign(sessions, assessment, "rita", tokens["rita"], REVIEWED)
    sign(sessions, assessment, "rita", tokens["rita"], APPROVED)
    with sessions() as session:
        session.execute(text("UPDATE assessments SET status = 'running' WHERE id = :id"),
                        {"id": store_assessment(sessions, {"A.5.16": 1})})
        session.commit()
        running = session.execute(text("SELECT id FROM assessments WHERE status = 'running'"))
        [running_id] = running.scalars().all()
    with pytest.raises(ConflictError, match="only a completed assessment"):
        sign(sessions, running_id, "rita", tokens["rita"])


def test_reopening_voids_the_signature_and_is_audited(
    sessions: sessionmaker[Session], registry: CatalogRegistry, tokens: dict[str, str]
) -> None:
    assessment = store_assessment(sessions, {"A.5.15": 2})
    with sessions() as session, pytest.raises(ConflictError, match="not signed"):
        reopen_assessment(session, assessment, actor="rita", comment="why", workspace="qa")
    sign(sessions, assessment, "rita", tokens["rita"])
    with sessions() as session, pytest.raises(InvalidInputError, match="comment"):
        reopen_assessment(session, assessment, actor="rita", comment="  ", workspace="qa")
    with sessions() as session:
        [voided] = reopen_assessment(session, assessment, actor="rita", workspace="qa",
                                     comment="new evidence arrived")
    assert (voided.active, voided.voided_by, voided.void_reason) == (
        False, "rita", "new evidence arrived")
    accept(sessions, registry, assessment)
    with sessions() as session:
        [signature] = list_signatures(session, assessment, "qa")
        reopened = [e for e in list_events(session) if e.action == "assessment.reopened"]
    assert signature.content_intact is False
    assert reopened[0].reason == "new evidence arrived"
    assert reopened[0].before == {"signatures": [
        {"signature": signature.id, "signer": "rita", "meaning": "approved"}]}
    sign(sessions, assessment, "rita", tokens["rita"])
    with sessions() as session:
        old, new = list_signatures(session, assessment, "qa")
    assert (old.active, new.active) == (False, True)
    assert old.content_hash != new.content_hash and new.content_intact
