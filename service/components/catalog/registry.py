"""The catalog registry: every known framework, its requirement tree, scales and crosswalks."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Literal

from service.components.catalog.refs import RefIndex
from service.domain.catalog import Catalog, Crosswalk, Relationship, Requirement, Scale
from service.errors import CatalogFormatError, NotFoundError

FrameworkSource = Literal["builtin", "imported"]

_INVERSE = {Relationship.SUBSET: Relationship.SUPERSET, Relationship.SUPERSET: Relationship.SUBSET}


@dataclass(frozen=True)
class CrosswalkOrigin:
    """The crosswalk file a link comes from and its version (a digest of the file)."""

    file: str
    version: str


@dataclass(frozen=True)
class LinkedRequirement:
    """A crosswalk link seen from one node: the other end and how this node relates to it."""

    framework: str
    ref_id: str
    title: str
    relationship: Relationship
    origin: CrosswalkOrigin | None = None


@dataclass
class _Entry:
    catalog: Catalog
    source: FrameworkSource
    refs: RefIndex
    nodes: dict[str, Requirement]
    children: dict[str | None, list[Requirement]] = field(default_factory=dict)
    links: dict[str, list[LinkedRequirement]] = field(default_factory=dict)


def _entry(catalog: Catalog, source: FrameworkSource) -> _Entry:
    entry = _Entry(
        catalog=catalog,
        source=source,
        refs=RefIndex(catalog.framework.id, catalog.requirements),
        nodes={node.ref_id: node for node in catalog.requirements},
    )
    for node in catalog.requirements:
        entry.children.setdefault(node.parent, []).append(node)
    return entry


class CatalogRegistry:
    """Read-only access to frameworks; built-ins win over imports with the same id."""

    def __init__(
        self,
        builtin: Iterable[Catalog],
        imported: Iterable[Catalog] = (),
        scales: Iterable[Scale] = (),
        crosswalks: Iterable[Crosswalk] = (),
        origins: Mapping[tuple[str, str], CrosswalkOrigin] | None = None,
    ) -> None:
        """``origins`` names the file of each crosswalk, by (source, target) framework."""
        self._entries: dict[str, _Entry] = {}
        for catalog in builtin:
            self._entries[catalog.framework.id] = _entry(catalog, "builtin")
        for catalog in imported:
            self._entries.setdefault(catalog.framework.id, _entry(catalog, "imported"))
        self._scales = {scale.id: scale for scale in scales}
        for crosswalk in crosswalks:
            ends = (crosswalk.source_framework, crosswalk.target_framework)
            self._add_crosswalk(crosswalk, (origins or {}).get(ends))

    def _add_crosswalk(self, crosswalk: Crosswalk, origin: CrosswalkOrigin | None) -> None:
        name = f"crosswalk {crosswalk.source_framework} -> {crosswalk.target_framework}"
        ends = (crosswalk.source_framework, crosswalk.target_framework)
        missing = [fid for fid in ends if fid not in self._entries]
        if missing:
            raise CatalogFormatError(f"{name}: unknown framework {missing[0]}")
        source, target = (self._entries[fid] for fid in ends)
        for link in crosswalk.links:
            for entry, ref_id in ((source, link.source), (target, link.target)):
                if ref_id not in entry.nodes:
                    raise CatalogFormatError(f"{name}: {ref_id} does not exist")
            source.links.setdefault(link.source, []).append(LinkedRequirement(
                target.catalog.framework.id, link.target, target.nodes[link.target].title,
                link.relationship, origin))
            target.links.setdefault(link.target, []).append(LinkedRequirement(
                source.catalog.framework.id, link.source, source.nodes[link.source].title,
                _INVERSE.get(link.relationship, link.relationship), origin))

    def _get(self, framework_id: str) -> _Entry:
        entry = self._entries.get(framework_id.casefold())
        if entry is None:
            known = ", ".join(sorted(self._entries)) or "none"
            raise NotFoundError(f"unknown framework {framework_id!r}; known: {known}")
        return entry

    def frameworks(self) -> list[Catalog]:
        """Every framework, sorted by id."""
        return [self._entries[fid].catalog for fid in sorted(self._entries)]

    def has(self, framework_id: str) -> bool:
        """Whether a framework with this id is known."""
        return framework_id.casefold() in self._entries

    def get(self, framework_id: str) -> Catalog:
        """A framework by id; NotFoundError lists the known ids."""
        return self._get(framework_id).catalog

    def source(self, framework_id: str) -> FrameworkSource:
        """Whether a framework ships with Assay or was imported."""
        return self._get(framework_id).source

    def requirement(self, framework_id: str, ref: str) -> Requirement:
        """The node a reference names, in any of its common spellings."""
        return self._get(framework_id).refs.resolve(ref)

    def children(self, framework_id: str, ref_id: str | None) -> list[Requirement]:
        """The direct children of a node, or the roots for None, in catalog order."""
        return list(self._get(framework_id).children.get(ref_id, []))

    def assessable(self, framework_id: str) -> list[Requirement]:
        """The nodes that are scored, in catalog order."""
        return [node for node in self._get(framework_id).catalog.requirements if node.assessable]

    def scales(self) -> list[Scale]:
        """Every known scale."""
        return list(self._scales.values())

    def scale(self, scale_id: str) -> Scale:
        """A scale by id; NotFoundError lists the known ids."""
        if scale_id not in self._scales:
            known = ", ".join(sorted(self._scales)) or "none"
            raise NotFoundError(f"unknown scale {scale_id!r}; known: {known}")
        return self._scales[scale_id]

    def links(self, framework_id: str, ref_id: str) -> list[LinkedRequirement]:
        """Crosswalk links of a node in both directions, read from this node outwards."""
        return list(self._get(framework_id).links.get(ref_id, []))

    def linked_frameworks(self, framework_id: str) -> list[str]:
        """The frameworks a crosswalk links to this one (in either direction), sorted."""
        links = self._get(framework_id).links.values()
        return sorted({link.framework for found in links for link in found})
