"""The audit log (admins only): the events, page by page, and the result of a verify run."""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from service.pipeline.audit import list_events, verify
from service.pipeline.users import require_admin
from service.web.deps import ServicesDep, VisitorDep
from service.web.errors import WebRoute
from service.web.render import page

router = APIRouter(route_class=WebRoute)
PAGE_SIZE = 50


def compact(value: Any) -> str:
    """A before/after value as short JSON, or an empty string for none."""
    return "" if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)


@router.get("/audit-log", include_in_schema=False)
def audit_page(
    request: Request,
    visitor: VisitorDep,
    svc: ServicesDep,
    after: Annotated[int, Query(ge=0, le=2**62)] = 0,
    workspace: Annotated[str, Query(max_length=63)] = "",
) -> HTMLResponse:
    """A page of events after ``after``, optionally one workspace's, and the chain's check."""
    require_admin(visitor.user)
    with svc.context.sessions() as session:
        events = list_events(session, workspace or None, after, PAGE_SIZE + 1)
        verification = verify(session)
    more = len(events) > PAGE_SIZE
    events = events[:PAGE_SIZE]
    return page(request, "audit.html", {
        "visitor": visitor, "nav": "audit", "events": events, "verification": verification,
        "next_after": events[-1].seq if more and events else None, "after": after,
        "workspace": workspace, "compact": compact,
    })
