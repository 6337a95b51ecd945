"""The relational store: the only package that imports SQLAlchemy."""

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from service.db.access_tables import ApiTokenRow, MembershipRow, UserRow
from service.db.chat_tables import ConversationRow, MessageRow
from service.db.engine import make_engine, migrate, session_factory
from service.db.job_tables import JobRow
from service.db.rationale_cache import RationaleCacheRow
from service.db.review_tables import AuditEventRow, AuditHeadRow, ReviewRow
from service.db.sessions import UnitOfWork, pool_timeout_as_busy
from service.db.signature_tables import SignatureRow
from service.db.tables import AssessmentRow, DocumentRow, ProposalRow, WorkspaceRow
from service.db.version_tables import DocumentVersionRow

__all__ = [
    "ApiTokenRow",
    "AssessmentRow",
    "AuditEventRow",
    "AuditHeadRow",
    "ConversationRow",
    "DocumentRow",
    "DocumentVersionRow",
    "Engine",
    "JobRow",
    "MembershipRow",
    "MessageRow",
    "ProposalRow",
    "RationaleCacheRow",
    "ReviewRow",
    "Session",
    "SignatureRow",
    "UnitOfWork",
    "UserRow",
    "WorkspaceRow",
    "make_engine",
    "migrate",
    "pool_timeout_as_busy",
    "session_factory",
    "sessionmaker",
]
