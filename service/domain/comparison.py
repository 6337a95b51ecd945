"""Two frameworks side by side: identities, profiles and their direct crosswalk overlap."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from service.domain.catalog import Profile, Relationship


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True)


class FrameworkSide(_Frozen):
    """One framework of a comparison: who publishes it, what it is, how big it is."""

    id: str
    name: str
    version: str
    publisher: str
    source: Literal["builtin", "imported"]
    default_scale: str = Field(description="The id of the scale assessments use by default.")
    default_scale_name: str
    requirements: int = Field(ge=0, description="How many nodes are assessable.")
    profile: Profile


class LinkedRef(_Frozen):
    """The far end of a crosswalk link, with how the near requirement relates to it."""

    ref_id: str
    title: str
    relationship: Relationship


class LinkedPair(_Frozen):
    """An assessable requirement of the source framework and what it links to in the target."""

    ref_id: str
    title: str
    links: tuple[LinkedRef, ...] = Field(min_length=1)


class ThemePairs(_Frozen):
    """The linked requirements of one theme of the source framework, in catalog order."""

    theme: str
    pairs: tuple[LinkedPair, ...]


class DirectionalOverlap(_Frozen):
    """How much of the source framework the direct crosswalk links to the target framework.

    ``covered`` counts the source's assessable requirements with at least one link to the
    target; ``relationships`` counts the links, read from source to target.
    """

    source: str
    target: str
    covered: int = Field(ge=0)
    total: int = Field(ge=0)
    share: float = Field(ge=0.0, le=1.0, description="covered / total, 0 when total is 0.")
    relationships: dict[Relationship, int]
    pairs_by_theme: tuple[ThemePairs, ...]


class FrameworkComparison(_Frozen):
    """Two frameworks side by side, with the overlap in both directions and a plain note."""

    frameworks: tuple[FrameworkSide, FrameworkSide]
    overlap: tuple[DirectionalOverlap, DirectionalOverlap]
    note: str
