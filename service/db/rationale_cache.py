"""The rationale cache: model-written rationales by the hash of what they were written from."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, String, Text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column

from service.db.tables import Base, utcnow


class RationaleCacheRow(Base):
    """One rationale the model wrote and its checks passed; ``key`` hashes its inputs."""

    __tablename__ = "rationale_cache"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    model_id: Mapped[str] = mapped_column(String(200))
    prompt_version: Mapped[str] = mapped_column(String(50))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


def cached_rationale(session: Session, key: str) -> str | None:
    """The rationale stored under ``key``, if any."""
    row = session.get(RationaleCacheRow, key)
    return row.text if row is not None else None


def cache_rationale(session: Session, key: str, model_id: str, prompt_version: str,
                    text: str) -> None:
    """Store a rationale under ``key`` and commit; a concurrent writer of the same key wins."""
    session.add(RationaleCacheRow(key=key, model_id=model_id[:200],
                                  prompt_version=prompt_version[:50], text=text))
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
