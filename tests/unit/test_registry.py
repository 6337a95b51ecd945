"""The catalog registry: crosswalk links in both directions, scales, and bad crosswalks."""

from __future__ import annotations

from pathlib import Path

import pytest

from service.components.catalog import CatalogRegistry, LinkedRequirement, read_import_file
from service.domain.catalog import Crosswalk, CrosswalkLink, Relationship, Scale, ScaleLevel
from service.errors import CatalogFormatError, NotFoundError

FIXTURES = Path(__file__).parents[1] / "fixtures" / "catalogs"
OSCAL = read_import_file(FIXTURES / "oscal-tiny.json")
CISO = read_import_file(FIXTURES / "ciso-tiny.yaml")
SCALE = Scale(id="two", name="Two levels", levels=(
    ScaleLevel(value=0, label="No", descriptor="Not met."),
    ScaleLevel(value=1, label="Yes", descriptor="Met.")))


def crosswalk(*links: tuple[str, str, Relationship]) -> Crosswalk:
    return Crosswalk(
        source_framework=OSCAL.framework.id, target_framework=CISO.framework.id,
        description="test", links=tuple(
            CrosswalkLink(source=s, target=t, relationship=r) for s, t, r in links))


def test_links_read_from_each_end() -> None:
    registry = CatalogRegistry([OSCAL], [CISO], crosswalks=[crosswalk(
        ("XA-1", "1.1", Relationship.SUBSET), ("XB-1", "1.1", Relationship.INTERSECT))])
    assert registry.links(OSCAL.framework.id, "XA-1") == [
        LinkedRequirement(CISO.framework.id, "1.1", "Yearly plan", Relationship.SUBSET)]
    assert registry.links(CISO.framework.id, "1.1") == [
        LinkedRequirement(OSCAL.framework.id, "XA-1", "Access Rules", Relationship.SUPERSET),
        LinkedRequirement(OSCAL.framework.id, "XB-1", "Backup Copies", Relationship.INTERSECT)]
    assert registry.links(CISO.framework.id, "1.2.1") == []


@pytest.mark.parametrize("link", [("XA-9", "1.1"), ("XA-1", "9.9")])
def test_crosswalk_to_a_missing_node_is_refused(link: tuple[str, str]) -> None:
    with pytest.raises(CatalogFormatError, match="does not exist"):
        CatalogRegistry([OSCAL, CISO], crosswalks=[crosswalk((*link, Relationship.EQUAL))])


def test_crosswalk_to_a_missing_framework_is_refused() -> None:
    with pytest.raises(CatalogFormatError, match="unknown framework"):
        CatalogRegistry([OSCAL], crosswalks=[crosswalk(("XA-1", "1.1", Relationship.EQUAL))])


def test_sources_assessable_and_scales() -> None:
    registry = CatalogRegistry([OSCAL], [CISO, OSCAL], scales=[SCALE])
    assert [c.framework.id for c in registry.frameworks()] == sorted(
        [OSCAL.framework.id, CISO.framework.id])
    assert registry.source(OSCAL.framework.id) == "builtin"
    assert registry.source(CISO.framework.id) == "imported"
    assert [n.ref_id for n in registry.assessable(OSCAL.framework.id)] == [
        "XA-1", "XA-2", "XA-2(1)", "XB-1"]
    assert [n.ref_id for n in registry.children(OSCAL.framework.id, None)] == ["xa", "xb"]
    assert registry.scale("two") == SCALE
    with pytest.raises(NotFoundError, match="two"):
        registry.scale("five")
