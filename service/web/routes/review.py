"""The review table and the review actions: accept, override with a comment, not applicable."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Form, Query, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse

from service.domain.access import Role
from service.domain.review import ReviewAction
from service.errors import InvalidInputError
from service.pipeline.review import ReviewDecision, review_proposal
from service.web.assessment_view import load_view
from service.web.deps import AccessDep, ChangeDep, ServicesDep
from service.web.errors import WebRoute
from service.web.render import page
from service.web.review_rows import STATUS_FILTERS, TableQuery, select_rows

router = APIRouter(route_class=WebRoute)
ASSESSMENT = "/w/{workspace}/assessments/{assessment_id}"


@router.get(ASSESSMENT, include_in_schema=False)
def review_table(
    request: Request,
    assessment_id: str,
    access: AccessDep,
    svc: ServicesDep,
    theme: Annotated[str, Query()] = "",
    status: Annotated[str, Query()] = "",
    level: Annotated[str, Query()] = "",
    sort: Annotated[str, Query()] = "ref",
) -> HTMLResponse:
    """One row per requirement, filtered and sorted; reviewers can accept from the table."""
    view = load_view(svc, access.workspace, assessment_id)
    query = TableQuery.parse(theme, status, level, sort)
    rows = select_rows(view.rows, query)
    return page(request, "review_table.html", {
        "access": access, "visitor": access.visitor, "nav": "assessments", "view": view,
        "rows": rows, "query": query, "statuses": STATUS_FILTERS,
        "can_review": access.can(Role.REVIEWER) and not view.standing, "tab": "review",
    })


def parse_level(value: str) -> int | None:
    """The level a form field holds; empty means none given."""
    if not value.strip():
        return None
    try:
        return int(value)
    except ValueError:
        raise InvalidInputError(f"'{value}' is not a level; choose one from the list") from None


@router.post(ASSESSMENT + "/review/{ref}", include_in_schema=False)
def review(
    request: Request,
    assessment_id: str,
    ref: str,
    access: ChangeDep,
    svc: ServicesDep,
    action: Annotated[str, Form()],
    level: Annotated[str, Form()] = "",
    comment: Annotated[str, Form()] = "",
) -> Response:
    """Record a decision; the table gets its row back, the detail page a fresh page."""
    access.require(Role.REVIEWER)
    try:
        chosen = ReviewAction(action)
    except ValueError:
        raise InvalidInputError("choose accept, override or not applicable") from None
    decision = ReviewDecision(assessment_id=assessment_id, ref=ref, action=chosen,
                              level=parse_level(level) if chosen == ReviewAction.OVERRIDE else None,
                              comment=comment)
    with svc.context.sessions() as session:
        recorded = review_proposal(session, svc.registry, decision, actor=access.user.name,
                                   workspace=access.workspace)
    view = load_view(svc, access.workspace, assessment_id)
    row = view.row(recorded.ref_id)
    if request.headers.get("hx-request") and row is not None:
        return page(request, "_review_row.html", {
            "access": access, "view": view, "row": row, "can_review": True})
    target = f"{view.base_url}/r/{quote(recorded.ref_id, safe='')}?done={chosen.value}"
    return RedirectResponse(target, status_code=303)
