"""Framework catalogs: list, show, one requirement, and the comparison of two frameworks."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from service.api.deps import CurrentUser, ServicesDep
from service.api.errors import error_responses
from service.api.schemas.frameworks import (
    CrosswalkPublic,
    FrameworkList,
    FrameworkPublic,
    FrameworkSummary,
    RequirementPublic,
    TreeNode,
)
from service.composition import CatalogRegistry
from service.domain.comparison import FrameworkComparison
from service.pipeline.compare import compare_frameworks

router = APIRouter(prefix="/frameworks", tags=["frameworks"])
ERRORS = error_responses(401, 404, 422)
FrameworkId = Annotated[str, Query(min_length=1, max_length=100)]


def _tree(registry: CatalogRegistry, framework_id: str, parent: str | None) -> list[TreeNode]:
    return [
        TreeNode(ref_id=node.ref_id, title=node.shown_title, assessable=node.assessable,
                 children=_tree(registry, framework_id, node.ref_id))
        for node in registry.children(framework_id, parent)
    ]


@router.get("", responses=error_responses(401))
def list_frameworks(_user: CurrentUser, services: ServicesDep) -> FrameworkList:
    """The built-in and imported frameworks."""
    registry = services.registry
    return FrameworkList(frameworks=[
        FrameworkSummary(id=c.framework.id, name=c.framework.name, version=c.framework.version,
                         requirements=len(registry.assessable(c.framework.id)),
                         source=registry.source(c.framework.id))
        for c in registry.frameworks()
    ])


@router.get("/compare", responses=ERRORS)
def compare(
    _user: CurrentUser, services: ServicesDep, a: FrameworkId, b: FrameworkId
) -> FrameworkComparison:
    """Two frameworks side by side: profiles and their direct crosswalk overlap."""
    return compare_frameworks(services.registry, a, b)


@router.get("/{framework_id}", responses=ERRORS)
def show_framework(_user: CurrentUser, framework_id: str, services: ServicesDep) -> FrameworkPublic:
    """A framework with its profile and requirement tree."""
    registry = services.registry
    framework = registry.get(framework_id).framework
    return FrameworkPublic(
        **framework.model_dump(), source=registry.source(framework.id),
        requirements=len(registry.assessable(framework.id)),
        tree=_tree(registry, framework.id, None),
    )


@router.get("/{framework_id}/requirements/{ref}", responses=ERRORS)
def show_requirement(
    _user: CurrentUser, framework_id: str, ref: str, services: ServicesDep
) -> RequirementPublic:
    """One requirement: summary, facets, typical evidence, children and crosswalk links."""
    registry = services.registry
    fid = registry.get(framework_id).framework.id
    node = registry.requirement(fid, ref)
    return RequirementPublic(
        framework=fid, ref_id=node.ref_id, title=node.shown_title, theme=node.theme,
        parent=node.parent, assessable=node.assessable, summary=node.summary,
        facets=list(node.facets), typical_evidence=list(node.typical_evidence),
        aliases=list(node.aliases),
        children=[child.ref_id for child in registry.children(fid, node.ref_id)],
        crosswalks=[CrosswalkPublic(framework=link.framework, ref_id=link.ref_id,
                                    title=link.title, relationship=link.relationship)
                    for link in registry.links(fid, node.ref_id)],
    )
