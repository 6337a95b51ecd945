"""Framework catalogs: the list, a framework with its tree, and one requirement."""

from __future__ import annotations

from pydantic import BaseModel

from service.domain.catalog import Facet, FrameworkInfo, Relationship


class FrameworkSummary(BaseModel):
    """A framework and how many assessable requirements it has."""

    id: str
    name: str
    version: str
    requirements: int
    source: str


class FrameworkList(BaseModel):
    """The built-in and imported frameworks."""

    frameworks: list[FrameworkSummary]


class TreeNode(BaseModel):
    """A node of a framework's requirement tree."""

    ref_id: str
    title: str
    assessable: bool
    children: list[TreeNode]


class FrameworkPublic(FrameworkInfo):
    """A framework with its profile, sources and requirement tree."""

    source: str
    requirements: int
    tree: list[TreeNode]


class CrosswalkPublic(BaseModel):
    """A crosswalk link from this requirement to another framework's."""

    framework: str
    ref_id: str
    title: str
    relationship: Relationship


class RequirementPublic(BaseModel):
    """One requirement in detail: summary, facets, typical evidence and crosswalk links."""

    framework: str
    ref_id: str
    title: str
    theme: str
    parent: str | None
    assessable: bool
    summary: str
    facets: list[Facet]
    typical_evidence: list[str]
    aliases: list[str]
    children: list[str]
    crosswalks: list[CrosswalkPublic]
