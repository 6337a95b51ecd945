"""`compare_frameworks` and `assay frameworks compare`: profiles and direct crosswalk overlap."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner, Result

from service.cli import app
from service.components.catalog import CatalogRegistry, build_registry
from service.domain.catalog import Relationship
from service.domain.comparison import DirectionalOverlap
from service.errors import InvalidInputError, NotFoundError
from service.pipeline.compare import compare_frameworks
from service.settings import Settings

CROSSWALKS = Path(__file__).parents[2] / "corpora" / "crosswalks"


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("ASSAY_DATA_DIR", str(tmp_path))
    return tmp_path


@pytest.fixture
def registry(data_dir: Path) -> CatalogRegistry:
    return build_registry(Settings(data_dir=data_dir))


def run(*args: str) -> Result:
    return CliRunner().invoke(app, ["frameworks", "compare", *args])


def run_json(*args: str) -> Any:
    result = run(*args, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def crosswalk_links(source: str, target: str) -> list[dict[str, str]]:
    """The links of the crosswalk file, read independently of the registry."""
    data = yaml.safe_load((CROSSWALKS / f"{source}__{target}.yaml").read_text(encoding="utf-8"))
    links: list[dict[str, str]] = data["links"]
    return links


def linked(overlap: dict[str, Any], ref_id: str) -> dict[str, str]:
    """A source ref's links in a JSON overlap, keyed by target ref."""
    for group in overlap["pairs_by_theme"]:
        for pair in group["pairs"]:
            if pair["ref_id"] == ref_id:
                return {link["ref_id"]: link["relationship"] for link in pair["links"]}
    return {}


def test_iso27001_vs_us_gmp_profiles_and_no_crosswalk() -> None:
    # The premise: no crosswalk file pairs these two. ISO 27001 -> ISO 9001 -> Part 211
    # does exist, so a comparison that chained through a third framework would find links.
    assert not list(CROSSWALKS.glob("iso27001-2022__gmp-21cfr211.yaml"))
    assert not list(CROSSWALKS.glob("gmp-21cfr211__iso27001-2022.yaml"))
    assert list(CROSSWALKS.glob("iso9001-2015__gmp-21cfr211.yaml"))
    compared = run_json("iso27001-2022", "gmp-21cfr211")
    iso, gmp = compared["frameworks"]
    assert (iso["id"], gmp["id"]) == ("iso27001-2022", "gmp-21cfr211")
    assert iso["profile"]["nature"] == "voluntary"
    assert gmp["profile"]["nature"] == "legally_binding"
    assert "warning letters" in gmp["profile"]["penalties"]
    assert "None under law" in iso["profile"]["penalties"]
    assert "information security" in iso["profile"]["scope"].lower()
    assert "FDA inspections" in gmp["profile"]["conformity"]
    assert gmp["publisher"] == "U.S. Food and Drug Administration"
    assert (iso["requirements"], gmp["requirements"]) == (123, 58)
    for overlap in compared["overlap"]:
        assert (overlap["covered"], overlap["share"], overlap["pairs_by_theme"]) == (0, 0.0, [])
        assert set(overlap["relationships"].values()) == {0}
    assert [o["total"] for o in compared["overlap"]] == [123, 58]
    assert "No crosswalk exists between iso27001-2022 and gmp-21cfr211" in compared["note"]


def test_iso27001_vs_part11_overlap_matches_the_crosswalk_file() -> None:
    compared = run_json("iso27001-2022", "gmp-21cfr11")
    forward, backward = compared["overlap"]
    assert linked(forward, "A.8.15")["11.10(e)"] == "intersect"
    assert "A.8.15" in linked(backward, "11.10(e)")
    technological = next(group for group in forward["pairs_by_theme"]
                         if group["theme"] == "Technological controls")
    assert "A.8.15" in [pair["ref_id"] for pair in technological["pairs"]]
    links = crosswalk_links("iso27001-2022", "gmp-21cfr11")
    assert forward["covered"] == len({link["source"] for link in links})
    assert backward["covered"] == len({link["target"] for link in links})
    assert sum(forward["relationships"].values()) == len(links)
    assert forward["share"] == pytest.approx(forward["covered"] / 123, abs=1e-4)
    assert 0 < backward["covered"] < backward["total"] == 18
    assert "11.50" not in {p["ref_id"] for g in backward["pairs_by_theme"] for p in g["pairs"]}
    assert "No crosswalk" not in compared["note"]


def test_iso9001_vs_iso27001_overlap_in_both_directions(registry: CatalogRegistry) -> None:
    forward, backward = compare_frameworks(registry, "iso9001-2015", "iso27001-2022").overlap
    assert (forward.source, forward.target) == ("iso9001-2015", "iso27001-2022")
    assert forward.share > 0 and backward.share > 0
    assert forward.share == pytest.approx(forward.covered / forward.total, abs=1e-4)
    assert forward.relationships[Relationship.EQUAL] > 0
    assert forward.relationships[Relationship.SUBSET] == backward.relationships[
        Relationship.SUPERSET] > 0
    pairs = {pair.ref_id: pair for group in forward.pairs_by_theme for pair in group.pairs}
    assert [(link.ref_id, link.relationship) for link in pairs["4.4.1"].links] == [
        ("4.4", Relationship.SUBSET)]
    themes = [group.theme for group in forward.pairs_by_theme]
    assert themes[0].startswith("Clause 4") and len(themes) == len(set(themes))


def _mirrored(overlap: DirectionalOverlap) -> tuple[Any, ...]:
    return overlap.source, overlap.target, overlap.covered, overlap.total, overlap.share


@pytest.mark.parametrize("pair", [("iso9001-2015", "iso27001-2022"),
                                  ("iso27001-2022", "gmp-21cfr11"),
                                  ("iso27001-2022", "gmp-21cfr211")])
def test_swapping_the_ids_mirrors_the_comparison(
    registry: CatalogRegistry, pair: tuple[str, str]
) -> None:
    ab = compare_frameworks(registry, *pair)
    ba = compare_frameworks(registry, *reversed(pair))
    assert ab.frameworks == tuple(reversed(ba.frameworks))
    assert ab.overlap == tuple(reversed(ba.overlap))
    assert [_mirrored(o) for o in ab.overlap] == [_mirrored(o) for o in reversed(ba.overlap)]


def test_same_or_unknown_framework_is_refused(registry: CatalogRegistry) -> None:
    with pytest.raises(InvalidInputError, match="twice"):
        compare_frameworks(registry, "gdpr", "GDPR")
    with pytest.raises(NotFoundError, match=r"known: .*iso27001-2022"):
        compare_frameworks(registry, "gdpr", "nope")


def test_cli_json_shape() -> None:
    compared = run_json("ISO27001-2022", "gmp-21cfr11")
    assert set(compared) == {"frameworks", "overlap", "note"}
    assert [f["id"] for f in compared["frameworks"]] == ["iso27001-2022", "gmp-21cfr11"]
    assert set(compared["frameworks"][0]) == {
        "id", "name", "version", "publisher", "source", "default_scale", "default_scale_name",
        "requirements", "profile"}
    assert set(compared["frameworks"][0]["profile"]) == {
        "scope", "industry", "nature", "conformity", "penalties"}
    overlap = compared["overlap"][0]
    assert set(overlap) == {"source", "target", "covered", "total", "share", "relationships",
                            "pairs_by_theme"}
    assert set(overlap["relationships"]) == {"equal", "subset", "superset", "intersect"}
    group = overlap["pairs_by_theme"][0]
    assert set(group) == {"theme", "pairs"}
    assert set(group["pairs"][0]) == {"ref_id", "title", "links"}
    assert set(group["pairs"][0]["links"][0]) == {"ref_id", "title", "relationship"}


def test_cli_text_output() -> None:
    result = run("iso27001-2022", "gmp-21cfr211")
    assert result.exit_code == 0, result.output
    for expected in ("voluntary", "legally_binding", "penalties", "0 of 123",
                     "No crosswalk exists"):
        assert expected in result.stdout
    linked_pairs = run("iso27001-2022", "gmp-21cfr11")
    assert linked_pairs.exit_code == 0
    for expected in ("A.5.15", "11.10(d)", "more",
                     "--json lists every pair"):
        assert expected in linked_pairs.stdout


def test_cli_exit_codes() -> None:
    unknown = run("iso27001-2022", "nope", "--json")
    assert unknown.exit_code == 1
    assert unknown.stdout == ""
    assert "nope" in unknown.stderr and "gmp-21cfr211" in unknown.stderr
    assert run("gdpr", "gdpr").exit_code == 2
    assert run("gdpr").exit_code == 2
