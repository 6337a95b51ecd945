"""Table model of the document versions kept because reviewed or signed proposals cite them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from service.db.tables import Base, utcnow


class DocumentVersionRow(Base):
    """A version of a document that was replaced (``superseded``) or ``deleted`` while cited.

    Its chunks stay in the store (owned by ``retained_owner``, so nothing searches them) and
    its original stays in the data dir, until no reviewed or signed proposal cites it. The
    document row may be gone (a deleted document): ``document_id`` is no foreign key.
    """

    __tablename__ = "document_versions"
    __table_args__ = (UniqueConstraint("document_id", "content_hash"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    document_id: Mapped[str] = mapped_column(String(36), index=True)
    version: Mapped[int] = mapped_column(Integer)
    display_name: Mapped[str] = mapped_column(String(1000))
    content_hash: Mapped[str] = mapped_column(String(64))
    size_bytes: Mapped[int] = mapped_column(Integer)
    doc_type: Mapped[str] = mapped_column(String(20))
    stored_path: Mapped[str] = mapped_column(String(1000))
    pages: Mapped[int | None] = mapped_column(Integer, nullable=True)
    chunks: Mapped[int] = mapped_column(Integer)
    indexed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    state: Mapped[str] = mapped_column(String(10))
    retired_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # the version that replaced it; None for a deleted document
    superseded_by: Mapped[int | None] = mapped_column(Integer, nullable=True)
