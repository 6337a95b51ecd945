"""Which requirements `assay assess -r REF` names: an assessable node itself, or a parent's."""

from __future__ import annotations

from pathlib import Path

from service.components.catalog import CatalogRegistry, read_import_file
from service.components.catalog.loader import DEFAULT_CORPORA_DIR, load_builtin_corpus
from service.pipeline.assess import select_requirements

SP800_53 = Path(__file__).parents[1] / "fixtures" / "catalogs" / "sp800-53-mini_catalog.json"


def registry() -> CatalogRegistry:
    return CatalogRegistry(builtin=load_builtin_corpus(DEFAULT_CORPORA_DIR).frameworks,
                           imported=(read_import_file(SP800_53),))


def refs(framework: str, *named: str) -> list[str]:
    return [n.ref_id for n in select_requirements(registry(), framework, named)]


def test_a_base_control_is_assessed_without_its_enhancements() -> None:
    assert refs("nist-sp-800-53-rev5", "AC-2") == ["AC-2"]
    assert refs("nist-sp-800-53-rev5", "ac-2", "AC-2(1)") == ["AC-2", "AC-2(1)"]


def test_a_parent_names_all_its_assessable_descendants() -> None:
    assert refs("nist-sp-800-53-rev5", "ac") == ["AC-1", "AC-2", "AC-2(1)", "AC-2(2)", "AC-3"]
    assert refs("iso27001-2022", "6.1") == ["6.1.1", "6.1.2", "6.1.3"]
