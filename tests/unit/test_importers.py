"""Importing OSCAL catalogs and CISO Assistant libraries into the data dir."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from service.components.catalog import CatalogRegistry, import_framework, read_import_file
from service.components.catalog.imported import ImportedNode, derive_facets, facet_kind
from service.components.catalog.known_frameworks import sp800_53_id
from service.components.catalog.loader import load_imported_catalogs
from service.components.catalog.oscal import oscal_catalog
from service.domain.catalog import FacetKind
from service.errors import CatalogFormatError, ConflictError

FIXTURES = Path(__file__).parents[1] / "fixtures" / "catalogs"
OSCAL = FIXTURES / "oscal-tiny.json"
CISO = FIXTURES / "ciso-tiny.yaml"
MALFORMED = ["oscal-truncated.json", "oscal-no-catalog.json", "ciso-list.yaml",
             "ciso-bad-parent.yaml"]


def registry_for(data_dir: Path) -> CatalogRegistry:
    return CatalogRegistry(builtin=(), imported=load_imported_catalogs(data_dir))


def snapshot(directory: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in directory.iterdir()} if directory.is_dir() else {}


def test_oscal_keeps_hierarchy_and_skips_withdrawn() -> None:
    catalog = read_import_file(OSCAL)
    assert catalog.framework.id == "tiny-example-controls"
    assert catalog.framework.version == "1.0"
    assert catalog.framework.default_scale == "maturity-0-5"
    nodes = {n.ref_id: n for n in catalog.requirements}
    assert set(nodes) == {"xa", "XA-1", "XA-2", "XA-2(1)", "xb", "XB-1"}
    assert nodes["XA-2(1)"].parent == "XA-2"
    assert nodes["XA-1"].parent == "xa"
    assert not nodes["xa"].assessable
    assert nodes["XA-2"].assessable, "a base control with enhancements is assessable"
    assert nodes["XA-2(1)"].assessable
    assert nodes["XA-2(1)"].aliases == ("xa-2.1",)
    assert nodes["XA-1"].theme == "Example Access"


def test_oscal_statement_is_flattened_with_parameters() -> None:
    node = next(n for n in read_import_file(OSCAL).requirements if n.ref_id == "XA-1")
    assert "{{" not in node.summary
    assert "[assignment: organization-defined personnel or roles]" in node.summary
    assert "[selection: monthly; quarterly]" in node.summary
    assert "1. by the owner of the system" in node.summary
    assert [f.kind for f in node.facets] == [
        FacetKind.DOCUMENTATION, FacetKind.IMPLEMENTATION, FacetKind.IMPLEMENTATION]
    assert node.facets[0].text.startswith("Develop and document access rules")
    assert node.typical_evidence
    enhancement = next(n for n in read_import_file(OSCAL).requirements if n.ref_id == "XA-2(1)")
    assert "[assignment: number]" in enhancement.summary


def test_facets_from_sentences_when_there_are_no_items() -> None:
    node = next(n for n in read_import_file(OSCAL).requirements if n.ref_id == "XB-1")
    assert [f.text for f in node.facets][:3] == [
        "Make backup copies of important data every day.",
        "Keep copies in a second place.", "Test that copies can be restored."]
    assert node.facets[3].kind is FacetKind.IMPROVEMENT


def test_ciso_assistant_keeps_hierarchy() -> None:
    catalog = read_import_file(CISO)
    assert catalog.framework.id == "tiny-ciso-1"
    assert catalog.framework.name == "Tiny CISO Example Framework"
    nodes = {n.ref_id: n for n in catalog.requirements}
    assert list(nodes) == ["core", "1", "1.1", "1.2", "1.2.1", "1.2.2"]
    assert nodes["1"].title == "Planning"
    assert not nodes["1.2"].assessable
    assert nodes["1.2.1"].parent == "1.2"
    assert nodes["1.2.2"].title == "Keep minutes of every progress meeting"
    assert {n.theme for n in catalog.requirements if n.parent} == {"Planning"}
    for node in catalog.requirements:
        if node.assessable:
            assert 3 <= len(node.facets) <= 6
            assert node.summary and node.typical_evidence


@pytest.mark.parametrize("fixture", [OSCAL, CISO], ids=lambda p: p.name)
def test_import_stores_a_loadable_catalog(tmp_path: Path, fixture: Path) -> None:
    catalog = import_framework(fixture, registry_for(tmp_path), tmp_path)
    stored = tmp_path / "frameworks" / f"{catalog.framework.id}.yaml"
    assert stored.is_file()
    assert load_imported_catalogs(tmp_path) == (catalog,)
    assert list((tmp_path / "frameworks").iterdir()) == [stored]


def test_existing_id_needs_replace(tmp_path: Path) -> None:
    import_framework(OSCAL, registry_for(tmp_path), tmp_path)
    with pytest.raises(ConflictError, match="--replace"):
        import_framework(OSCAL, registry_for(tmp_path), tmp_path)
    import_framework(OSCAL, registry_for(tmp_path), tmp_path, replace=True)
    assert len(load_imported_catalogs(tmp_path)) == 1


def test_builtin_cannot_be_replaced(tmp_path: Path) -> None:
    builtin = read_import_file(OSCAL)
    registry = CatalogRegistry(builtin=[builtin])
    with pytest.raises(ConflictError, match="built-in"):
        import_framework(OSCAL, registry, tmp_path, replace=True)
    assert not (tmp_path / "frameworks").exists()


@pytest.mark.parametrize("name", MALFORMED)
def test_malformed_file_changes_nothing(tmp_path: Path, name: str) -> None:
    import_framework(CISO, registry_for(tmp_path), tmp_path)
    before = snapshot(tmp_path / "frameworks")
    with pytest.raises(CatalogFormatError, match=name):
        import_framework(FIXTURES / name, registry_for(tmp_path), tmp_path, replace=True)
    assert snapshot(tmp_path / "frameworks") == before


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"catalog": {"metadata": {"title": "No version"}}}, "version"),
        ({"catalog": {"metadata": {"title": "Empty", "version": "1"}}}, "no groups"),
        ({"catalog": {"metadata": {"title": "Bad", "version": "1"}, "groups": "x"}}, "groups"),
        ({"objects": {"framework": {"urn": "u", "name": "No nodes"}}}, "requirement_nodes"),
    ],
)
def test_wrong_shape_is_a_clear_error(tmp_path: Path, data: object, message: str) -> None:
    path = tmp_path / "wrong.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    with pytest.raises(CatalogFormatError, match=message):
        read_import_file(path)


SP800_53 = FIXTURES / "sp800-53-mini_catalog.json"
LOW = FIXTURES / "sp800-53-mini_LOW-baseline_profile.json"
MODERATE = FIXTURES / "sp800-53-mini_MODERATE-baseline_profile.json"


def test_sp800_53_base_controls_and_enhancements_are_assessable() -> None:
    catalog = read_import_file(SP800_53)
    nodes = {n.ref_id: n for n in catalog.requirements}
    assessable = {ref for ref, node in nodes.items() if node.assessable}
    assert assessable == {"AC-1", "AC-2", "AC-2(1)", "AC-2(2)", "AC-3", "AU-2", "AU-6",
                          "AU-6(1)", "AU-6(3)"}
    assert "AC-2(10)" not in nodes and "AC-13" not in nodes, "withdrawn controls stay out"
    assert nodes["AC-2(1)"].parent == "AC-2"
    assert nodes["AC-2"].facets[0].text == "Define which kinds of accounts are allowed;"
    assert nodes["AC-2(2)"].summary.endswith("after [assignment: time period].")


def test_sp800_53_profile_comes_from_known_facts() -> None:
    info = read_import_file(SP800_53).framework
    assert info.id == "nist-sp-800-53-rev5"
    assert info.publisher == "NIST"
    assert info.version == "5.1.1"
    assert "FISMA" in info.profile.conformity
    assert "Imported from" not in info.profile.scope + info.profile.industry
    assert info.source_url.startswith("https://csrc.nist.gov/")


def test_baseline_profile_selects_a_subset() -> None:
    low = read_import_file(SP800_53, profile=LOW)
    moderate = read_import_file(SP800_53, profile=MODERATE)
    assert low.framework.id == "nist-sp-800-53-rev5-low"
    assert moderate.framework.id == "nist-sp-800-53-rev5-moderate"
    assert "LOW baseline" in low.framework.profile.scope
    low_assessable = {n.ref_id for n in low.requirements if n.assessable}
    assert low_assessable == {"AC-1", "AC-2", "AC-3", "AU-2", "AU-6"}
    assert {n.ref_id for n in low.requirements if not n.assessable} == {"ac", "au"}
    moderate_assessable = {n.ref_id for n in moderate.requirements if n.assessable}
    assert low_assessable < moderate_assessable
    assert {"AC-2(1)", "AU-6(3)"} <= moderate_assessable


def test_profile_for_another_catalog_is_refused(tmp_path: Path) -> None:
    with pytest.raises(CatalogFormatError, match="zz-9"):
        import_framework(SP800_53, registry_for(tmp_path), tmp_path,
                         profile=FIXTURES / "oscal-profile-foreign.json")
    assert not (tmp_path / "frameworks").exists()


def test_a_profile_given_as_the_file_names_the_option() -> None:
    with pytest.raises(CatalogFormatError, match="--profile"):
        read_import_file(LOW)


def test_profile_applies_to_oscal_catalogs_only() -> None:
    with pytest.raises(CatalogFormatError, match="OSCAL catalogs only"):
        read_import_file(CISO, profile=LOW)


def test_baseline_import_is_stored(tmp_path: Path) -> None:
    catalog = import_framework(SP800_53, registry_for(tmp_path), tmp_path, profile=MODERATE)
    assert load_imported_catalogs(tmp_path) == (catalog,)


def _one_control_catalog(control: dict[str, Any]) -> dict[str, Any]:
    return {"catalog": {"metadata": {"title": "Example controls", "version": "1"},
                        "groups": [{"id": "xx", "title": "Example family",
                                    "controls": [control]}]}}


def test_one_or_more_selection_reads_as_nist_prints_it() -> None:
    control = {"id": "xx-1", "title": "Policy", "params": [
        {"id": "xx-1_prm_1", "select": {"how-many": "one-or-more",
                                        "choice": ["organization-level", "system-level"]}}],
        "parts": [{"name": "statement", "prose": "Write a {{ insert: param, xx-1_prm_1 }} "
                   "policy and keep it current."}]}
    catalog = oscal_catalog(_one_control_catalog(control), "example.json")
    summary = next(n for n in catalog.requirements if n.ref_id == "xx-1").summary
    assert summary == ("Write a [selection (one or more): organization-level; system-level] "
                       "policy and keep it current.")


def test_many_items_are_grouped_evenly_and_none_is_cut() -> None:
    items = [f"Item {letter} asks for a separate, checkable activity of the control."
             for letter in "abcdefghijkl"]
    node = ImportedNode("XX-2", None, "Account handling", "Example", " ".join(items), items)
    facets = derive_facets(node)
    assert len(facets) == 6
    assert [f.text for f in facets] == [" ".join(items[i:i + 2]) for i in range(0, 12, 2)]


@pytest.mark.parametrize("text", [
    "Approve access changes after initial installation of the application.",
    "Communicate contingency plan changes to key contingency personnel.",
    "Enforce the revocation of access resulting from changes to attributes based on rules.",
])
def test_a_change_named_in_a_control_is_not_an_improvement(text: str) -> None:
    assert facet_kind(text) is FacetKind.IMPLEMENTATION


def test_a_tailoring_profile_does_not_take_the_catalog_id() -> None:
    assert sp800_53_id("5", None) == "nist-sp-800-53-rev5"
    assert sp800_53_id("5", "Acme tailoring of NIST SP 800-53") == (
        "nist-sp-800-53-rev5-acme-tailoring-of-nist-sp-800-53")


def test_an_older_revision_does_not_get_rev5_facts() -> None:
    data = _one_control_catalog({"id": "xx-1", "title": "Policy", "parts": [
        {"name": "statement", "prose": "Write an access control policy and keep it current."}]})
    data["catalog"]["metadata"]["title"] = "NIST Special Publication 800-53 Revision 4"
    info = oscal_catalog(data, "rev4.json").framework
    assert "20 families" not in info.profile.scope
    assert info.id == "nist-special-publication-800-53-revision-4"


def test_an_item_too_long_for_a_facet_is_split_into_its_sub_items() -> None:
    policy = "a policy that covers " + ", ".join(f"topic {n}" for n in range(55))
    control = {"id": "xx-1", "title": "Policy and procedures", "parts": [
        {"name": "statement", "parts": [
            {"name": "item", "prose": "Develop and share with staff:", "parts": [
                {"name": "item", "prose": policy + ";"},
                {"name": "item", "prose": "procedures that carry the policy out."}]},
            {"name": "item", "prose": "Review the policy and procedures every year."}]}]}
    node = next(n for n in oscal_catalog(_one_control_catalog(control), "example.json")
                .requirements if n.ref_id == "xx-1")
    assert [f.text for f in node.facets] == [
        f"Develop and share with staff: {policy};",
        "Develop and share with staff: procedures that carry the policy out.",
        "Review the policy and procedures every year."]
