"""Every shipped catalog file is valid, complete, and has the expected shape."""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache
from pathlib import Path

import pytest

from service.components.catalog.loader import DEFAULT_CORPORA_DIR, load_model_file
from service.domain.catalog import Catalog, Crosswalk, FacetKind, FacetSource, ScaleFile

FRAMEWORK_FILES = sorted(
    p for p in (DEFAULT_CORPORA_DIR / "frameworks").glob("*.yaml") if not p.name.startswith("_")
)
CROSSWALK_FILES = sorted(
    p for p in (DEFAULT_CORPORA_DIR / "crosswalks").glob("*.yaml") if not p.name.startswith("_")
)


@lru_cache(maxsize=32)
def _catalog_file(path: Path) -> Catalog:
    return load_model_file(path, Catalog)


def catalog(framework_id: str) -> Catalog:
    path = DEFAULT_CORPORA_DIR / "frameworks" / f"{framework_id}.yaml"
    if not path.is_file():
        pytest.skip(f"{path.name} is not written yet")
    return _catalog_file(path)


def ref_ids(framework_id: str, assessable: bool | None = None) -> set[str]:
    return {
        node.ref_id for node in catalog(framework_id).requirements
        if assessable is None or node.assessable is assessable
    }


def words(text: str) -> set[str]:
    return set(text.split())


def scale_ids() -> set[str]:
    return {s.id for s in load_model_file(DEFAULT_CORPORA_DIR / "scales.yaml", ScaleFile).scales}


def test_there_are_framework_files() -> None:
    assert len(FRAMEWORK_FILES) >= 4


@pytest.mark.parametrize("path", FRAMEWORK_FILES, ids=lambda p: p.stem)
def test_framework_file_is_valid_and_complete(path: Path) -> None:
    parsed = load_model_file(path, Catalog)
    assert parsed.framework.id == path.stem
    assert parsed.framework.default_scale in scale_ids()
    nodes = parsed.requirements
    parents = {node.parent for node in nodes}
    assert len({n.ref_id for n in nodes}) == len(nodes)
    facet_ids = [f.id for n in nodes for f in n.facets]
    assert len(set(facet_ids)) == len(facet_ids)
    assert any(node.assessable for node in nodes)
    for node in nodes:
        assert not (node.assessable and node.ref_id in parents), f"{node.ref_id} is a parent"
        if node.assessable:
            assert node.summary.strip() and node.typical_evidence, node.ref_id
            assert 3 <= len(node.facets) <= 6, node.ref_id


def test_scales_file_is_valid() -> None:
    assert {"maturity-0-5", "compliance"} <= scale_ids()
    maturity = next(s for s in load_model_file(DEFAULT_CORPORA_DIR / "scales.yaml",
                                               ScaleFile).scales if s.id == "maturity-0-5")
    assert [level.value for level in maturity.levels] == [0, 1, 2, 3, 4, 5]


@pytest.mark.parametrize("path", CROSSWALK_FILES, ids=lambda p: p.stem)
def test_crosswalk_file_is_valid(path: Path) -> None:
    load_model_file(path, Crosswalk)


def test_every_crosswalk_end_exists() -> None:
    if not CROSSWALK_FILES:
        pytest.skip("no crosswalks yet")
    for path in CROSSWALK_FILES:
        crosswalk = load_model_file(path, Crosswalk)
        sources = ref_ids(crosswalk.source_framework)
        targets = ref_ids(crosswalk.target_framework)
        for link in crosswalk.links:
            assert link.source in sources, f"{path.name}: {link.source}"
            assert link.target in targets, f"{path.name}: {link.target}"


def test_iso27001_has_93_annex_a_controls_in_four_themes() -> None:
    annex = [n for n in catalog("iso27001-2022").requirements
             if n.assessable and n.ref_id.startswith("A.")]
    assert len(annex) == 93
    assert Counter(n.parent for n in annex) == {"A.5": 37, "A.6": 8, "A.7": 14, "A.8": 34}
    assert sorted(Counter(n.theme for n in annex).values()) == [8, 14, 34, 37]


def test_iso27001_clauses() -> None:
    clauses = words(
        "4.1 4.2 4.3 4.4 5.1 5.2 5.3 6.1.1 6.1.2 6.1.3 6.2 6.3 7.1 7.2 7.3 7.4 7.5.1 7.5.2 "
        "7.5.3 8.1 8.2 8.3 9.1 9.2.1 9.2.2 9.3.1 9.3.2 9.3.3 10.1 10.2"
    )
    assert clauses <= ref_ids("iso27001-2022", assessable=True)
    assert {"6.1", "7.5", "9.2", "9.3"} <= ref_ids("iso27001-2022", assessable=False)


def test_iso9001_clauses() -> None:
    assert {"7.1.5.1", "8.5.1", "9.2.2", "4.1", "10.3"} <= ref_ids("iso9001-2015", assessable=True)


def test_nist_csf_has_106_subcategories_in_22_categories() -> None:
    nodes = catalog("nist-csf-2.0").requirements
    assert sum(n.assessable for n in nodes) == 106
    assert {n.ref_id for n in nodes if n.parent is None} == {"GV", "ID", "PR", "DE", "RS", "RC"}
    assert sum(1 for n in nodes if n.parent in {"GV", "ID", "PR", "DE", "RS", "RC"}) == 22
    assert "GV.OC-01" in ref_ids("nist-csf-2.0", assessable=True)


def test_21cfr211_has_every_section() -> None:
    sections = words(
        "211.22 211.25 211.28 211.34 211.42 211.44 211.46 211.48 211.50 211.52 211.56 211.58 "
        "211.63 211.65 211.67 211.68 211.72 211.80 211.82 211.84 211.86 211.87 211.89 211.94 "
        "211.100 211.101 211.103 211.105 211.110 211.111 211.113 211.115 211.122 211.125 "
        "211.130 211.132 211.134 211.137 211.142 211.150 211.160 211.165 211.166 211.167 "
        "211.170 211.173 211.176 211.180 211.182 211.184 211.186 211.188 211.192 211.194 "
        "211.196 211.198 211.204 211.208"
    )
    assert sections <= ref_ids("gmp-21cfr211", assessable=True)
    assert {"211.1", "211.3", "210.1", "210.2", "210.3"} <= ref_ids("gmp-21cfr211")


def test_21cfr11_has_every_section() -> None:
    sections = words("11.1 11.2 11.3 11.10 11.30 11.50 11.70 11.100 11.200 11.300")
    assert sections <= ref_ids("gmp-21cfr11")
    assert {"11.30", "11.50", "11.70", "11.100", "11.200", "11.300"} <= ref_ids(
        "gmp-21cfr11", assessable=True)


def test_eu_gmp_has_nine_chapters() -> None:
    assert {f"C{n}" for n in range(1, 10)} <= ref_ids("eu-gmp", assessable=False)


def test_eu_gmp_has_annex_11() -> None:
    if "A11" not in ref_ids("eu-gmp"):
        pytest.skip("Annex 11 is not merged into eu-gmp.yaml yet")
    assert {f"A11-{n}" for n in range(1, 18)} <= ref_ids("eu-gmp", assessable=True)


def test_gdpr_core_articles() -> None:
    articles = [6, 7, *range(12, 23), 24, 25, 28, 30, 32, 33, 34, 35, 37, 44, 46]
    assert {f"Art. {n}" for n in articles} <= ref_ids("gdpr", assessable=True)
    principles = {f"Art. 5(1)({p})" for p in "abcdef"} | {"Art. 5(2)"}
    assert principles <= ref_ids("gdpr", assessable=True)


def test_gdpr_is_complete_enough_to_assess() -> None:
    assert len(ref_ids("gdpr", assessable=True)) >= 60
    assert {"Art. 2", "Art. 3", "Art. 40", "Art. 42", "Art. 82", "Art. 88", "Art. 89"} <= ref_ids(
        "gdpr", assessable=True)
    assert {"Art. 1", "Art. 4", "Art. 83", "Art. 84"} <= ref_ids("gdpr", assessable=False)


@pytest.mark.parametrize("framework_id", ["dora", "nis2"])
def test_eu_cyber_regulations_have_twenty_requirements(framework_id: str) -> None:
    info = catalog(framework_id).framework
    assert len(ref_ids(framework_id, assessable=True)) >= 20
    assert info.profile.nature.value == "legally_binding"
    assert any(source.url.startswith("http://data.europa.eu/eli/") for source in info.sources)


def test_nis2_covers_article_21_points_and_the_annex() -> None:
    points = {f"Art. 21(2)({p})" for p in "abcdefghij"}
    annex = {f"IR Annex {n}" for n in range(1, 14)}
    assert points | annex | {"Art. 20(1)", "Art. 23(4)"} <= ref_ids("nis2", assessable=True)


def test_dora_covers_its_chapters() -> None:
    wanted = {"Art. 5(2)", "Art. 6(5)", "Art. 9", "Art. 12", "Art. 17", "Art. 19(1)", "Art. 24",
              "Art. 26", "Art. 28(3)", "Art. 30(3)", "Art. 45"}
    assert wanted <= ref_ids("dora", assessable=True)


def test_iso9001_untitled_subclauses_carry_assay_labels() -> None:
    nodes = {n.ref_id: n for n in catalog("iso9001-2015").requirements}
    labelled = {ref for ref, node in nodes.items() if node.title_is_label}
    assert {"4.4.1", "6.1.1", "8.7.1", "9.2.1", "10.2.2"} <= labelled
    assert labelled == {ref for ref, node in nodes.items() if " — " in node.title}
    assert nodes["4.4.1"].shown_title.endswith("[Assay label]")
    assert nodes["7.1.5.1"].shown_title == "General"


def test_part11_guidance_facets_are_marked() -> None:
    nodes = {n.ref_id: n for n in catalog("gmp-21cfr11").requirements}
    facets = {f.id: f for f in nodes["11.10(e)"].facets}
    assert facets["11.10(e)-f4"].source is FacetSource.GUIDANCE
    assert facets["11.10(e)-f4"].shown_text.startswith("[guidance] ")
    assert facets["11.10(e)-f3"].source is FacetSource.TEXT
    assert all(n.title_is_label for ref, n in nodes.items() if ref.startswith("11.10("))


@pytest.mark.parametrize("path", FRAMEWORK_FILES, ids=lambda p: p.stem)
def test_improvement_facets_act_on_results(path: Path) -> None:
    """A bare recurring check is implementation; improvement needs a change or a trend."""
    bare_check = re.compile(
        r"^[^,]*\b(is|are) (verified|reviewed|checked) (at least annually|periodically|"
        r"at planned intervals)\b[^,]*(, and|and) the (date|review|outcome)[^,]* "
        r"(is|are) recorded\.$")
    for node in load_model_file(path, Catalog).requirements:
        for facet in node.facets:
            if facet.kind is FacetKind.IMPROVEMENT:
                assert not bare_check.search(facet.text), facet.id
