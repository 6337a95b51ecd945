"""Compare two frameworks: profiles side by side and the overlap of their direct crosswalk."""

from __future__ import annotations

from collections import Counter

from service.components.catalog import CatalogRegistry
from service.domain.catalog import FrameworkInfo, Relationship
from service.domain.comparison import (
    DirectionalOverlap,
    FrameworkComparison,
    FrameworkSide,
    LinkedPair,
    LinkedRef,
    ThemePairs,
)
from service.errors import InvalidInputError


def compare_frameworks(registry: CatalogRegistry, a_id: str, b_id: str) -> FrameworkComparison:
    """Compare framework A with framework B, using only crosswalks that link them directly.

    Raises InvalidInputError when both ids name the same framework, and NotFoundError (which
    lists the known ids) when either is unknown. No link is ever inferred through a third
    framework: without a direct crosswalk the overlap is 0 and the note says so.
    """
    if a_id.casefold() == b_id.casefold():
        raise InvalidInputError(f"compare needs two different frameworks; got {a_id!r} twice")
    first = registry.get(a_id).framework
    second = registry.get(b_id).framework
    forward = _overlap(registry, first.id, second.id)
    backward = _overlap(registry, second.id, first.id)
    return FrameworkComparison(
        frameworks=(_side(registry, first), _side(registry, second)),
        overlap=(forward, backward),
        note=_note(first.id, second.id, _has_crosswalk(registry, first.id, second.id)),
    )


def _side(registry: CatalogRegistry, framework: FrameworkInfo) -> FrameworkSide:
    scale_names = {scale.id: scale.name for scale in registry.scales()}
    return FrameworkSide(
        id=framework.id,
        name=framework.name,
        version=framework.version,
        publisher=framework.publisher,
        source=registry.source(framework.id),
        default_scale=framework.default_scale,
        default_scale_name=scale_names.get(framework.default_scale, framework.default_scale),
        requirements=len(registry.assessable(framework.id)),
        profile=framework.profile,
    )


def _overlap(registry: CatalogRegistry, source_id: str, target_id: str) -> DirectionalOverlap:
    """The source's assessable requirements linked to the target, grouped by source theme."""
    assessable = registry.assessable(source_id)
    themes: dict[str, list[LinkedPair]] = {}
    relationships: Counter[Relationship] = Counter()
    for node in assessable:
        links = tuple(
            LinkedRef(ref_id=link.ref_id, title=link.title, relationship=link.relationship)
            for link in registry.links(source_id, node.ref_id)
            if link.framework == target_id
        )
        if not links:
            continue
        relationships.update(link.relationship for link in links)
        themes.setdefault(node.theme, []).append(
            LinkedPair(ref_id=node.ref_id, title=node.title, links=links))
    covered = sum(len(pairs) for pairs in themes.values())
    return DirectionalOverlap(
        source=source_id,
        target=target_id,
        covered=covered,
        total=len(assessable),
        share=round(covered / len(assessable), 4) if assessable else 0.0,
        relationships={kind: relationships[kind] for kind in Relationship},
        pairs_by_theme=tuple(
            ThemePairs(theme=theme, pairs=tuple(pairs)) for theme, pairs in themes.items()),
    )


def _has_crosswalk(registry: CatalogRegistry, source_id: str, target_id: str) -> bool:
    """Whether any node of the source, assessable or not, links directly to the target."""
    return any(
        link.framework == target_id
        for node in registry.get(source_id).requirements
        for link in registry.links(source_id, node.ref_id)
    )


def _note(first_id: str, second_id: str, has_crosswalk: bool) -> str:
    if not has_crosswalk:
        return (f"No crosswalk exists between {first_id} and {second_id}, so the overlap is 0. "
                "Assay uses direct crosswalks only and never infers links through a third "
                "framework.")
    return (f"Overlap from the direct crosswalk between {first_id} and {second_id}; each "
            "direction reads relationships from its source to its target. A link marks related "
            "requirements; unless it is 'equal', meeting one supports but does not prove the "
            "other.")
