"""The EU frameworks compare with each other and, through crosswalks, with ISO 27001."""

from __future__ import annotations

from itertools import combinations
from pathlib import Path

import pytest

from service.components.catalog import CatalogRegistry, build_registry
from service.components.catalog.loader import DEFAULT_CORPORA_DIR, load_model_file
from service.domain.catalog import Crosswalk, Relationship
from service.pipeline.compare import compare_frameworks
from service.settings import Settings

EU = ("dora", "nis2", "gdpr")
NEW_CROSSWALKS = ("gmp-21cfr11__eu-gmp", "gmp-21cfr211__eu-gmp", "nis2__iso27001-2022",
                  "dora__iso27001-2022", "dora__nis2", "gdpr__iso27001-2022")


@pytest.fixture
def registry(tmp_path: Path) -> CatalogRegistry:
    return build_registry(Settings(data_dir=tmp_path))


@pytest.mark.parametrize(("first", "second"), list(combinations(EU, 2)))
def test_eu_frameworks_compare_with_each_other(registry: CatalogRegistry, first: str,
                                               second: str) -> None:
    comparison = compare_frameworks(registry, first, second)
    assert all(side.requirements >= 20 for side in comparison.frameworks)


@pytest.mark.parametrize("framework_id", ["dora", "nis2", "gdpr"])
def test_overlap_with_iso27001_is_above_zero(registry: CatalogRegistry,
                                             framework_id: str) -> None:
    comparison = compare_frameworks(registry, framework_id, "iso27001-2022")
    assert all(direction.covered > 0 for direction in comparison.overlap)


@pytest.mark.parametrize("name", NEW_CROSSWALKS)
def test_new_crosswalks_cite_sources_and_stay_honest(name: str) -> None:
    crosswalk = load_model_file(DEFAULT_CORPORA_DIR / "crosswalks" / f"{name}.yaml", Crosswalk)
    assert crosswalk.sources, f"{name} cites no sources"
    assert {link.relationship for link in crosswalk.links} == {Relationship.INTERSECT}


@pytest.mark.parametrize(("framework_id", "at_least"), [("dora", 20), ("nis2", 20), ("gdpr", 60)])
def test_eu_frameworks_have_enough_assessable_requirements(
        registry: CatalogRegistry, framework_id: str, at_least: int) -> None:
    assert len(registry.assessable(framework_id)) >= at_least


@pytest.mark.parametrize("path", sorted((DEFAULT_CORPORA_DIR / "crosswalks").glob("*.yaml")),
                         ids=lambda path: path.stem)
def test_every_crosswalk_cites_sources(path: Path) -> None:
    assert load_model_file(path, Crosswalk).sources, f"{path.name} cites no sources"
