"""The relational store: the only package that imports SQLAlchemy."""

from sqlalchemy.orm import Session, sessionmaker

from service.db.engine import make_engine, migrate, session_factory
from service.db.tables import AssessmentRow, DocumentRow, ProposalRow, WorkspaceRow

__all__ = [
    "AssessmentRow",
    "DocumentRow",
    "ProposalRow",
    "Session",
    "WorkspaceRow",
    "make_engine",
    "migrate",
    "session_factory",
    "sessionmaker",
]
