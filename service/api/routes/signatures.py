"""Signing off an assessment, re-opening it, and its signatures (21 CFR Part 11 style)."""

from __future__ import annotations

from fastapi import APIRouter

from service.api.deps import ContextDep, CurrentUser, ReviewerSlug, ViewerSlug
from service.api.errors import error_responses
from service.api.schemas.signatures import (
    ReopenCreate,
    SignatureCreate,
    SignatureList,
    SignaturePublic,
)
from service.pipeline.signoff import (
    SignOff,
    list_signatures,
    reopen_assessment,
    sign_assessment,
)

router = APIRouter(prefix="/workspaces/{slug}/assessments/{assessment_id}",
                   tags=["signatures"])
CHANGES = error_responses(401, 403, 404, 409, 422)


@router.get("/signatures", responses=error_responses(401, 404, 422))
def get_signatures(slug: ViewerSlug, assessment_id: str, context: ContextDep) -> SignatureList:
    """Every signature of the assessment, voided ones included."""
    with context.sessions() as session:
        signatures = list_signatures(session, assessment_id, slug)
        return SignatureList(signatures=[SignaturePublic.of(s) for s in signatures])


@router.post("/signatures", status_code=201, responses=CHANGES)
def sign(
    slug: ReviewerSlug, assessment_id: str, body: SignatureCreate, context: ContextDep,
    user: CurrentUser,
) -> SignaturePublic:
    """Sign a completed assessment; ``token`` must be the signer's own API token again."""
    with context.sessions() as session:
        request = SignOff(assessment_id, user.name, body.meaning, body.token)
        return SignaturePublic.of(sign_assessment(session, request, workspace=slug))


@router.post("/reopen", responses=CHANGES)
def reopen(
    slug: ReviewerSlug, assessment_id: str, body: ReopenCreate, context: ContextDep,
    user: CurrentUser,
) -> SignatureList:
    """Re-open a signed assessment for review; returns the signatures it voided."""
    with context.sessions() as session:
        voided = reopen_assessment(session, assessment_id, actor=user.name, comment=body.comment,
                                   workspace=slug)
        return SignatureList(signatures=[SignaturePublic.of(s) for s in voided])
