"""Compare two frameworks: their profiles side by side and their crosswalk overlap."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from service.pipeline.compare import compare_frameworks
from service.web.deps import ServicesDep, VisitorDep
from service.web.errors import WebRoute
from service.web.render import page

router = APIRouter(route_class=WebRoute)
DEFAULT_PAIR = ("iso27001-2022", "gmp-21cfr211")
PROFILE_ROWS = (("scope", "Scope"), ("industry", "Industry"), ("nature", "Nature"),
                ("conformity", "How conformity is tested"), ("penalties", "Penalties"))


@router.get("/compare", include_in_schema=False)
def compare_page(
    request: Request,
    visitor: VisitorDep,
    svc: ServicesDep,
    a: Annotated[str, Query()] = "",
    b: Annotated[str, Query()] = "",
) -> HTMLResponse:
    """Two frameworks side by side; without a choice, a typical pair."""
    frameworks = [catalog.framework for catalog in svc.registry.frameworks()]
    known = {framework.id for framework in frameworks}
    first = a or (DEFAULT_PAIR[0] if DEFAULT_PAIR[0] in known else frameworks[0].id)
    second = b or (DEFAULT_PAIR[1] if DEFAULT_PAIR[1] in known else frameworks[-1].id)
    comparison = compare_frameworks(svc.registry, first, second)
    return page(request, "compare.html", {
        "visitor": visitor, "nav": "compare", "frameworks": frameworks, "a": first,
        "b": second, "comparison": comparison, "profile_rows": PROFILE_ROWS,
    })


@router.get("/catalog/{framework_id}/{ref}", include_in_schema=False)
def catalog_requirement(
    request: Request, framework_id: str, ref: str, visitor: VisitorDep, svc: ServicesDep
) -> HTMLResponse:
    """A requirement as the catalog states it: summary, facets, evidence, crosswalk links."""
    framework = svc.registry.get(framework_id).framework
    requirement = svc.registry.requirement(framework.id, ref)
    return page(request, "catalog_requirement.html", {
        "visitor": visitor, "framework": framework, "requirement": requirement,
        "children": svc.registry.children(framework.id, requirement.ref_id),
        "links": svc.registry.links(framework.id, requirement.ref_id),
    })
