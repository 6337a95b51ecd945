"""Queries on kept document versions, and on whether reviewed or signed proposals cite one.

A proposal cites a version when its payload holds one of the version's chunk ids, which all
start with the version's prefix (``<document id>:<hash>:``): the payload's text is searched
for it in the database.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Text, cast, exists, func, or_, select
from sqlalchemy.orm import Session

from service.db.review_tables import ReviewRow
from service.db.signature_tables import SignatureRow
from service.db.tables import AssessmentRow, ProposalRow, WorkspaceRow
from service.db.version_tables import DocumentVersionRow


def is_cited(session: Session, workspace_id: int, prefix: str) -> bool:
    """Whether a reviewed proposal, or one of a signed assessment, quotes a chunk of ``prefix``.

    A signature counts even once voided: what was signed stays on record.
    """
    reviewed = exists().where(ReviewRow.assessment_id == ProposalRow.assessment_id,
                              ReviewRow.ref_id == ProposalRow.ref_id)
    signed = exists().where(SignatureRow.assessment_id == ProposalRow.assessment_id)
    found = session.scalar(
        select(ProposalRow.id)
        .join(AssessmentRow, AssessmentRow.id == ProposalRow.assessment_id)
        .where(AssessmentRow.workspace_id == workspace_id,
               cast(ProposalRow.payload, Text).contains(prefix, autoescape=True),
               or_(reviewed, signed))
        .limit(1)
    )
    return found is not None


def document_versions(session: Session, document_id: str) -> Sequence[DocumentVersionRow]:
    """The kept versions of a document (which may itself be deleted), oldest first."""
    return session.scalars(
        select(DocumentVersionRow).where(DocumentVersionRow.document_id == document_id)
        .order_by(DocumentVersionRow.version)
    ).all()


def workspace_versions(session: Session, workspace_id: int) -> Sequence[DocumentVersionRow]:
    """Every kept version of the workspace's documents."""
    return session.scalars(
        select(DocumentVersionRow).where(DocumentVersionRow.workspace_id == workspace_id)
    ).all()


def all_versions(session: Session) -> list[tuple[DocumentVersionRow, str]]:
    """Every kept version, of every workspace, with its workspace's slug (for the purge)."""
    rows = session.execute(
        select(DocumentVersionRow, WorkspaceRow.slug)
        .join(WorkspaceRow, WorkspaceRow.id == DocumentVersionRow.workspace_id)
        .order_by(DocumentVersionRow.id)
    ).all()
    return [(row, slug) for row, slug in rows]


def count_version_references(session: Session, stored_path: str) -> int:
    """How many kept versions keep their original at this path."""
    return session.scalar(
        select(func.count()).select_from(DocumentVersionRow)
        .where(DocumentVersionRow.stored_path == stored_path)
    ) or 0
