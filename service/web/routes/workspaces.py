"""The workspace picker, where admins can also create a workspace."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from service.pipeline.members import memberships, visible_workspaces
from service.pipeline.users import create_workspace, require_admin
from service.web.deps import CheckedVisitorDep, ServicesDep, VisitorDep
from service.web.errors import WebRoute
from service.web.render import page

router = APIRouter(route_class=WebRoute)


@router.get("/w", include_in_schema=False)
def workspace_picker(request: Request, visitor: VisitorDep, svc: ServicesDep) -> HTMLResponse:
    """The workspaces the user may open, with their role in each."""
    with svc.context.sessions() as session:
        slugs = visible_workspaces(session, visitor.user)
        roles = {m.workspace: m.role.value for m in memberships(session, visitor.user)}
    admin_role = "admin" if visitor.user.is_admin else ""
    rows = [{"slug": slug, "role": roles.get(slug, admin_role)} for slug in slugs]
    return page(request, "workspaces.html", {"visitor": visitor, "rows": rows,
                                             "nav": "workspaces"})


@router.post("/w", include_in_schema=False)
def new_workspace(
    visitor: CheckedVisitorDep, svc: ServicesDep, slug: Annotated[str, Form(max_length=63)]
) -> RedirectResponse:
    """Create a workspace (admins only) and open it."""
    require_admin(visitor.user)
    with svc.context.sessions() as session:
        created = create_workspace(session, slug.strip(), actor=visitor.user.name)
    return RedirectResponse(f"/w/{created.slug}/documents", status_code=303)
