"""Import a CISO Assistant library (YAML) as a framework catalog.

Each requirement node keeps its ref_id (or, lacking one, its name or URN tail); the URN's
last segment becomes an alias. Nodes that have children are parents and not assessable.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from service.components.catalog.imported import (
    ImportedNode,
    build_requirements,
    clean,
    imported_info,
    shorten,
    slugify,
)
from service.domain.catalog import Catalog
from service.errors import CatalogFormatError

TITLE_CHARS = 80

ScalarText = Annotated[
    str | None, BeforeValidator(lambda v: str(v) if isinstance(v, int | float) else v)
]


class _Loose(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class CisoNode(_Loose):
    """One requirement node of a CISO Assistant framework."""

    urn: str = Field(min_length=1)
    ref_id: ScalarText = None
    name: ScalarText = None
    description: ScalarText = None
    parent_urn: str | None = None
    assessable: bool = False


class CisoFramework(_Loose):
    """The framework object of a library."""

    urn: str = Field(min_length=1)
    ref_id: ScalarText = None
    name: str = Field(min_length=2)
    requirement_nodes: tuple[CisoNode, ...] = Field(min_length=1)


class CisoObjects(_Loose):
    """The objects a library ships; only the framework is imported."""

    framework: CisoFramework


class CisoLibrary(_Loose):
    """A CISO Assistant library file."""

    version: ScalarText = None
    provider: str | None = None
    objects: CisoObjects


def _urn_tail(urn: str) -> str:
    return urn.rsplit(":", 1)[-1]


def _ref_ids(nodes: tuple[CisoNode, ...]) -> dict[str, str]:
    ref_ids: dict[str, str] = {}
    taken: set[str] = set()
    for node in nodes:
        if node.urn in ref_ids:
            raise CatalogFormatError(f"duplicate requirement node urn {node.urn}")
        wanted = clean(node.ref_id or "")
        ref_id = wanted if wanted and wanted not in taken else _urn_tail(node.urn)
        ref_ids[node.urn] = ref_id
        taken.add(ref_id)
    return ref_ids


def _title(node: CisoNode, ref_id: str) -> str:
    title = clean(node.name or "") or shorten(node.description or "", TITLE_CHARS).rstrip(".;:")
    return title if len(title) >= 2 else f"Requirement {ref_id}"


def _lineage(node: CisoNode, by_urn: dict[str, CisoNode]) -> list[CisoNode]:
    """The node's ancestors from its top-level node down, then the node itself."""
    lineage = [node]
    while lineage[-1].parent_urn is not None:
        if len(lineage) > len(by_urn):
            raise CatalogFormatError(f"requirement node {node.urn}: its parents form a cycle")
        lineage.append(by_urn[lineage[-1].parent_urn])
    return lineage[::-1]


def ciso_assistant_catalog(data: dict[str, Any], file_name: str) -> Catalog:
    """A framework catalog from a parsed CISO Assistant library."""
    library = CisoLibrary.model_validate(data)
    framework = library.objects.framework
    by_urn = {node.urn: node for node in framework.requirement_nodes}
    ref_ids = _ref_ids(framework.requirement_nodes)
    for node in framework.requirement_nodes:
        if node.parent_urn is not None and node.parent_urn not in by_urn:
            raise CatalogFormatError(
                f"requirement node {node.urn}: parent_urn {node.parent_urn} does not exist")
    theme_depth = 1 if sum(n.parent_urn is None for n in by_urn.values()) == 1 else 0
    nodes = []
    for node in framework.requirement_nodes:
        ref_id = ref_ids[node.urn]
        lineage = _lineage(node, by_urn)
        top = lineage[min(theme_depth, len(lineage) - 1)]
        nodes.append(ImportedNode(
            ref_id=ref_id,
            parent=ref_ids[node.parent_urn] if node.parent_urn else None,
            title=_title(node, ref_id),
            theme=_title(top, ref_ids[top.urn]),
            text=node.description or "",
            aliases=(tail,) if (tail := _urn_tail(node.urn)) != ref_id else (),
            may_assess=node.assessable,
        ))
    framework_id = slugify(framework.ref_id or _urn_tail(framework.urn))
    info = imported_info(framework_id, clean(framework.name), library.version or "1",
                         library.provider or "unknown", file_name)
    return Catalog(framework=info, requirements=build_requirements(nodes))
