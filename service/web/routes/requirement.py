"""One requirement of an assessment: the proposal, its evidence, the review form and history."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from service.domain.access import Role
from service.errors import NotFoundError
from service.pipeline.review import review_history
from service.web.assessment_view import load_view
from service.web.deps import AccessDep, ServicesDep
from service.web.errors import WebRoute
from service.web.passages import cited_passages
from service.web.render import page

router = APIRouter(route_class=WebRoute)
DONE = {"accept": "Proposal accepted.", "override": "Level overridden.",
        "na": "Marked not applicable."}


@router.get("/w/{workspace}/assessments/{assessment_id}/r/{ref}", include_in_schema=False)
def requirement_detail(
    request: Request, assessment_id: str, ref: str, access: AccessDep, svc: ServicesDep,
    done: str = "",
) -> HTMLResponse:
    """Summary and facets, rationale, cited passages in context, gaps, review and history."""
    view = load_view(svc, access.workspace, assessment_id)
    requirement = svc.registry.requirement(view.framework.id, ref)
    row = view.row(requirement.ref_id)
    if row is None:
        raise NotFoundError(
            f"{requirement.ref_id} has not been assessed in this assessment (yet).")
    with svc.context.sessions() as session:
        history = [r for r in review_history(session, view.id, access.workspace)
                   if r.ref_id == requirement.ref_id]
    applying = row.review.review
    carried = applying if applying is not None and row.review.carried_over else None
    position = view.rows.index(row)
    neighbours = {
        "previous": view.rows[position - 1].ref_id if position > 0 else None,
        "next": view.rows[position + 1].ref_id if position + 1 < len(view.rows) else None,
    }
    return page(request, "requirement.html", {
        "access": access, "visitor": access.visitor, "nav": "assessments", "view": view,
        "row": row, "p": row.proposal, "requirement": requirement,
        "passages": cited_passages(svc.context, access.workspace, row.proposal),
        "history": list(reversed(history)), "carried": carried, "neighbours": neighbours,
        "can_review": access.can(Role.REVIEWER) and not view.standing, "done": DONE.get(done, ""),
    })
