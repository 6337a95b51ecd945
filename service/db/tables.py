"""SQLAlchemy table models. API schemas live elsewhere; these are storage only."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


def utcnow() -> datetime:
    """The current time, timezone-aware in UTC."""
    return datetime.now(UTC)


PENDING = "pending"
READY = "ready"


class Base(DeclarativeBase):
    """Declarative base for every table."""


class WorkspaceRow(Base):
    """A workspace: the scope of every document, assessment and search."""

    __tablename__ = "workspaces"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slug: Mapped[str] = mapped_column(String(63), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    documents: Mapped[list[DocumentRow]] = relationship(
        back_populates="workspace", cascade="all, delete-orphan"
    )


class DocumentRow(Base):
    """An ingested document and where its original is kept."""

    __tablename__ = "documents"
    __table_args__ = (UniqueConstraint("workspace_id", "display_name"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    display_name: Mapped[str] = mapped_column(String(1000))
    source_path: Mapped[str] = mapped_column(String(4000))
    content_hash: Mapped[str] = mapped_column(String(64))
    size_bytes: Mapped[int] = mapped_column(Integer)
    doc_type: Mapped[str] = mapped_column(String(20))
    stored_path: Mapped[str] = mapped_column(String(1000))
    pages: Mapped[int | None] = mapped_column(Integer, nullable=True)
    chunks: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # 1 for the first upload under this name, one more for each replacement
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    # "pending" until its vectors are stored; only "ready" documents are ever shown
    state: Mapped[str] = mapped_column(String(10), default=READY, server_default=READY)
    # set while an ingest writes this document (new, or replacing it): who, and until when
    lease_holder: Mapped[str | None] = mapped_column(String(200), nullable=True)
    lease_expires_at: Mapped[datetime | None] = mapped_column(
        DateTime(timezone=True), nullable=True)

    workspace: Mapped[WorkspaceRow] = relationship(back_populates="documents")


class AssessmentRow(Base):
    """A dated assessment of a workspace against a framework."""

    __tablename__ = "assessments"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    framework_id: Mapped[str] = mapped_column(String(100))
    scale_id: Mapped[str] = mapped_column(String(100))
    strategy: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20))
    requested: Mapped[list[str]] = mapped_column(JSON)
    parameters: Mapped[dict[str, Any]] = mapped_column(JSON)
    scope: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class ProposalRow(Base):
    """One requirement's proposal within an assessment; the full proposal is kept as JSON."""

    __tablename__ = "proposals"
    __table_args__ = (UniqueConstraint("assessment_id", "ref_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    assessment_id: Mapped[str] = mapped_column(ForeignKey("assessments.id", ondelete="CASCADE"))
    ref_id: Mapped[str] = mapped_column(String(100))
    theme: Mapped[str] = mapped_column(String(300))
    maturity: Mapped[int] = mapped_column(Integer)
    level: Mapped[int | None] = mapped_column(Integer, nullable=True)
    confidence: Mapped[float] = mapped_column(Float)
    status: Mapped[str] = mapped_column(String(20))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
