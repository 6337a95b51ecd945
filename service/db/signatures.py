"""Queries on signatures."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.db.signature_tables import SignatureRow


def signatures_in(
    session: Session, assessment_id: str, *, active_only: bool = False
) -> Sequence[SignatureRow]:
    """An assessment's signatures, oldest first; with ``active_only``, the unvoided ones."""
    statement = select(SignatureRow).where(SignatureRow.assessment_id == assessment_id)
    if active_only:
        statement = statement.where(SignatureRow.voided_at.is_(None))
    return session.scalars(statement.order_by(SignatureRow.id)).all()
