"""`assay frameworks list|show|import`: JSON output and exit codes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from service.cli import app

FIXTURES = Path(__file__).parents[1] / "fixtures" / "catalogs"


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("ASSAY_DATA_DIR", str(tmp_path))
    return tmp_path


def run(*args: str) -> Result:
    return CliRunner().invoke(app, ["frameworks", *args])


def run_json(*args: str) -> Any:
    result = run(*args, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_list() -> None:
    frameworks = {f["id"]: f for f in run_json("list")["frameworks"]}
    iso = frameworks["iso27001-2022"]
    assert iso == {"id": "iso27001-2022", "name": "ISO/IEC 27001:2022", "version": "2022",
                   "requirements": 123, "source": "builtin"}
    assert run("list").exit_code == 0


def test_show_framework_tree() -> None:
    shown = run_json("show", "iso27001-2022")
    assert shown["id"] == "iso27001-2022"
    assert shown["source"] == "builtin"
    assert shown["profile"]["nature"] == "voluntary"
    clause6 = next(node for node in shown["tree"] if node["ref_id"] == "6")
    clause61 = next(node for node in clause6["children"] if node["ref_id"] == "6.1")
    assert not clause61["assessable"]
    assert [c["ref_id"] for c in clause61["children"]] == ["6.1.1", "6.1.2", "6.1.3"]
    assert clause61["children"][0] == {"ref_id": "6.1.1", "title": clause61["children"][0][
        "title"], "assessable": True, "children": []}
    assert run("show", "iso27001-2022").exit_code == 0


def test_show_requirement() -> None:
    shown = run_json("show", "iso27001-2022", "Annex A 5.15")
    assert shown["ref_id"] == "A.5.15"
    assert shown["parent"] == "A.5"
    assert shown["summary"] and shown["typical_evidence"] and shown["theme"]
    assert 3 <= len(shown["facets"]) <= 6
    assert set(shown["facets"][0]) == {"id", "kind", "text", "source"}
    assert isinstance(shown["crosswalks"], list)
    for link in shown["crosswalks"]:
        assert set(link) == {"framework", "ref_id", "title", "relationship"}
    assert run("show", "gdpr", "32").exit_code == 0


@pytest.mark.parametrize("args", [["show", "nope"], ["show", "gdpr", "Art. 999"]])
def test_unknown_framework_or_ref_exits_1(args: list[str]) -> None:
    result = run(*args, "--json")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "nope" in result.output or "gdpr" in result.output


@pytest.mark.parametrize("args", [["show"], ["list", "--bogus"], ["import"],
                                  ["import", "missing.json"]])
def test_usage_errors_exit_2(args: list[str]) -> None:
    assert run(*args).exit_code == 2


def test_import_then_list_and_show() -> None:
    imported = run_json("import", str(FIXTURES / "oscal-tiny.json"))
    assert imported == {"id": "tiny-example-controls", "name": "Tiny Example Controls",
                        "requirements": 4}
    listed = {f["id"]: f for f in run_json("list")["frameworks"]}
    assert listed["tiny-example-controls"]["source"] == "imported"
    assert run_json("show", "tiny-example-controls", "xa-2.1")["ref_id"] == "XA-2(1)"
    assert run_json("show", "tiny-example-controls", "xa-1")["ref_id"] == "XA-1"


def test_import_existing_id_needs_replace(data_dir: Path) -> None:
    path = str(FIXTURES / "ciso-tiny.yaml")
    assert run("import", path).exit_code == 0
    again = run("import", path, "--json")
    assert again.exit_code == 1
    assert "--replace" in again.output
    assert run("import", path, "--replace").exit_code == 0
    assert [p.name for p in (data_dir / "frameworks").iterdir()] == ["tiny-ciso-1.yaml"]


def test_malformed_import_exits_1(data_dir: Path) -> None:
    result = run("import", str(FIXTURES / "ciso-bad-parent.yaml"), "--json")
    assert result.exit_code == 1
    assert "parent_urn" in result.output
    assert not any((data_dir / "frameworks").glob("*"))


def test_assay_labels_and_guidance_are_shown() -> None:
    shown = run_json("show", "iso9001-2015", "4.4.1")
    assert shown["title_is_label"] is True
    assert shown["shown_title"].endswith("[Assay label]")
    clause4 = next(node for node in run_json("show", "iso9001-2015")["tree"]
                   if node["ref_id"] == "4")
    clause44 = next(node for node in clause4["children"] if node["ref_id"] == "4.4")
    assert clause44["children"][0]["title"].endswith("[Assay label]")
    text = run("show", "gmp-21cfr11", "11.10(e)").stdout
    assert "[Assay label]" in text and "[guidance]" in text


def test_import_with_a_baseline_profile() -> None:
    imported = run_json("import", str(FIXTURES / "sp800-53-mini_catalog.json"), "--profile",
                        str(FIXTURES / "sp800-53-mini_LOW-baseline_profile.json"))
    assert imported["id"] == "nist-sp-800-53-rev5-low"
    assert imported["requirements"] == 5
    assert run_json("show", "nist-sp-800-53-rev5-low", "ac-2")["assessable"] is True
