"""Signing off an assessment, and re-opening a signed one (21 CFR Part 11 style).

To sign, a user with the reviewer role re-enters their credential (their API token) at
that moment (11.200); the signature records who, when and what it means, and the hash of
the content it was given on: the proposals and the reviews that apply (11.70). Signing,
refused attempts and re-openings all go into the audit log. A signed assessment takes no
reviews until a re-opening, with a comment, voids its signatures.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from service.db import AssessmentRow, Session, SignatureRow
from service.db.assessments import proposals_of
from service.db.signatures import signatures_in
from service.db.tables import utcnow
from service.domain.access import Role
from service.domain.audit import utc_iso
from service.domain.signature import Signature, SignatureMeaning, content_hash
from service.errors import ConflictError, ForbiddenError, InvalidInputError
from service.pipeline.audit import record, workspace_target
from service.pipeline.review import effective_status, open_assessment
from service.pipeline.signatures import signature_of
from service.pipeline.users import authenticate, authorize, get_user

COMPLETED = "completed"


@dataclass(frozen=True)
class SignOff:
    """A signer's request: the assessment, what the signature means, the re-entered token."""

    assessment_id: str
    signer: str
    meaning: SignatureMeaning
    token: str


def assessment_content(
    session: Session, assessment: AssessmentRow, workspace: str
) -> dict[str, Any]:
    """What a signature covers: the scope, every proposal and the review that applies to each."""
    proposals = [
        {"ref_id": p.ref_id, "level": p.level, "status": p.status, "payload": p.payload}
        for p in proposals_of(session, assessment.id)
    ]
    reviews = []
    for state in effective_status(session, assessment.id, workspace):
        review = state.review
        reviews.append({"ref_id": state.ref_id, "state": state.state.value, "review": None
                        if review is None else {
                            "id": review.id, "assessment_id": review.assessment_id,
                            "action": review.action.value, "level": review.level,
                            "proposed_level": review.proposed_level,
                            "comment": review.comment, "reviewer": review.reviewer,
                            "created_at": utc_iso(review.created_at)}})
    content = {"assessment_id": assessment.id, "framework": assessment.framework_id,
               "scale": assessment.scale_id, "proposals": proposals, "reviews": reviews}
    # the scope only when there is one, so that signatures made before scopes stay intact
    return content | ({"scope": assessment.scope} if assessment.scope else {})


def _target(slug: str, assessment_id: str) -> str:
    return workspace_target(slug, f"assessment:{assessment_id}")


def _check_credential(session: Session, request: SignOff, target: str) -> None:
    owner = authenticate(session, request.token.strip())
    if owner is not None and owner.name == request.signer:
        return
    record(session, request.signer, "signature.refused", target, None,
           {"meaning": request.meaning.value}, "the re-entered credential did not match")
    session.commit()
    raise ForbiddenError(
        f"the re-entered API token is not a current token of '{request.signer}': "
        "a signature needs the signer's own credential, entered at the moment of signing"
    )


def sign_assessment(session: Session, request: SignOff, *, workspace: str) -> Signature:
    """Sign a completed assessment after checking the signer's role and re-entered token."""
    assessment = open_assessment(session, request.assessment_id, workspace)
    slug = workspace
    authorize(session, get_user(session, request.signer), slug, Role.REVIEWER)
    target = _target(slug, assessment.id)
    _check_credential(session, request, target)
    if assessment.status != COMPLETED:
        raise ConflictError(f"assessment '{assessment.id}' is {assessment.status}; only a "
                            "completed assessment can be signed")
    standing = signatures_in(session, assessment.id, active_only=True)
    if any(s.signer == request.signer and s.meaning == request.meaning for s in standing):
        raise ConflictError(f"'{request.signer}' has already signed assessment "
                            f"'{assessment.id}' as {request.meaning.value}")
    content = assessment_content(session, assessment, workspace)
    row = SignatureRow(assessment_id=assessment.id, signer=request.signer,
                       meaning=request.meaning.value, content_hash=content_hash(content))
    session.add(row)
    session.flush()
    record(session, request.signer, "assessment.signed", target, None,
           {"signature": row.id, "meaning": row.meaning, "content_hash": row.content_hash})
    session.commit()
    return signature_of(row, content_intact=True)


def reopen_assessment(
    session: Session, assessment_id: str, *, actor: str, comment: str, workspace: str,
) -> list[Signature]:
    """Void every standing signature (with a comment that says why); returns them voided."""
    reason = comment.strip()
    if not reason:
        raise InvalidInputError("re-opening needs a comment that says why")
    assessment = open_assessment(session, assessment_id, workspace)
    slug = workspace
    standing = list(signatures_in(session, assessment.id, active_only=True))
    if not standing:
        raise ConflictError(f"assessment '{assessment.id}' is not signed: nothing to re-open")
    now = utcnow()
    for row in standing:
        row.voided_at, row.voided_by, row.void_reason = now, actor, reason
    voided = [{"signature": r.id, "signer": r.signer, "meaning": r.meaning} for r in standing]
    record(session, actor, "assessment.reopened", _target(slug, assessment.id),
           {"signatures": voided}, {"signatures": []}, reason)
    session.commit()
    return [signature_of(row) for row in standing]


def list_signatures(session: Session, assessment_id: str, workspace: str) -> list[Signature]:
    """Every signature of the assessment, oldest first, each saying if the content still fits."""
    assessment = open_assessment(session, assessment_id, workspace)
    rows = signatures_in(session, assessment.id)
    if not rows:
        return []
    current = content_hash(assessment_content(session, assessment, workspace))
    return [signature_of(row, row.content_hash == current) for row in rows]
