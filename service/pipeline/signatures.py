"""Signatures as stored, and the lock a standing signature puts on an assessment."""

from __future__ import annotations

from service.db import Session, SignatureRow
from service.db.signatures import signatures_in
from service.domain.audit import utc_iso
from service.domain.signature import Signature, SignatureMeaning
from service.errors import ConflictError


def signature_of(row: SignatureRow, content_intact: bool | None = None) -> Signature:
    """A stored signature as the domain model."""
    return Signature(
        id=row.id, assessment_id=row.assessment_id, signer=row.signer,
        meaning=SignatureMeaning(row.meaning), content_hash=row.content_hash,
        signed_at=row.signed_at, voided_at=row.voided_at, voided_by=row.voided_by,
        void_reason=row.void_reason, content_intact=content_intact,
    )


def require_unsigned(session: Session, assessment_id: str) -> None:
    """ConflictError if a signature stands on the assessment: it must be re-opened first."""
    standing = signatures_in(session, assessment_id, active_only=True)
    if not standing:
        return
    names = "; ".join(f"{row.meaning} by {row.signer} at {utc_iso(row.signed_at)}"
                      for row in standing)
    raise ConflictError(
        f"assessment '{assessment_id}' is signed ({names}) and takes no more reviews: "
        "re-open it first (`assay reopen`, or POST .../reopen), which voids the signature"
    )
