"""The audit log: list and verify (admin only)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from service.api.deps import AdminUser, ContextDep
from service.api.errors import error_responses
from service.api.schemas.admin import AuditEventPublic, AuditList, VerificationPublic
from service.pipeline.audit import list_events, verify

router = APIRouter(prefix="/audit", tags=["audit"])


@router.get("", responses=error_responses(401, 403, 422))
def list_audit_events(
    _admin: AdminUser, context: ContextDep,
    workspace: Annotated[str | None, Query(max_length=63,
                                           description="Only this workspace's events.")] = None,
    after: Annotated[int, Query(ge=0, le=2**62, description="Events after this seq.")] = 0,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> AuditList:
    """Events in order: who did what to which target, when, the state before and after, why."""
    with context.sessions() as session:
        events = list_events(session, workspace, after, limit)
        return AuditList(events=[AuditEventPublic.model_validate(e.model_dump()) for e in events])


@router.get("/verify", responses=error_responses(401, 403))
def verify_audit_log(_admin: AdminUser, context: ContextDep) -> VerificationPublic:
    """Recompute the keyed chain, check it against the newest anchor, name any problem."""
    with context.sessions() as session:
        result = verify(session)
    return VerificationPublic.model_validate(result.model_dump())
