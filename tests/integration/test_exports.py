"""`assay export`: each format opened with a real reader and checked against the assessment."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from openpyxl import load_workbook
from PIL import Image
from pypdf import PdfReader
from trestle.oscal.assessment_results import AssessmentResults
from trestle.oscal.common import TokenDatatype
from typer.testing import CliRunner

from service.cli import app as cli
from service.components.exporters.oscal import control_token
from tests.exports import EVIL_DOCUMENT, EVIL_QUOTE, SCOPE, Exportable, exportable_assessment

pytestmark = pytest.mark.integration


@pytest.fixture
def exportable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Exportable:
    return exportable_assessment(tmp_path, monkeypatch)


def run_export(assessment_id: str, fmt: str, out: Path) -> dict[str, object]:
    """Run `assay export --json` and return its output object."""
    result = CliRunner().invoke(
        cli, ["export", assessment_id, "--format", fmt, "--out", str(out), "--json"])
    assert result.exit_code == 0, result.output
    payload: dict[str, object] = json.loads(result.stdout)
    assert payload == {"assessment_id": assessment_id, "format": fmt, "path": str(out),
                       "bytes": out.stat().st_size}
    return payload


def test_csv_has_every_requirement_with_reviewed_levels(
    exportable: Exportable, tmp_path: Path
) -> None:
    out = tmp_path / "a.csv"
    run_export(exportable.assessment_id, "csv", out)
    rows = {r["ref_id"]: r for r in csv.DictReader(io.StringIO(out.read_text("utf-8-sig")))}
    assert set(rows) == {"A.5.15", "A.5.16", "A.8.1"}
    overridden = rows["A.5.16"]
    assert (overridden["proposed_level"], overridden["reviewed_level"],
            overridden["effective_level"], overridden["status"], overridden["reviewer"],
            overridden["comment"]) == ("3", "5", "5", "reviewed", "admin", "records show it")
    assert (rows["A.8.1"]["effective_level"], rows["A.8.1"]["effective_label"],
            rows["A.8.1"]["status"]) == ("", "not applicable", "reviewed")
    pending = rows["A.5.15"]
    assert (pending["effective_level"], pending["status"], pending["reviewed_level"]) == (
        "2", "proposal", "")
    assert pending["citations"].startswith("'" + EVIL_DOCUMENT)  # neutralised, text kept
    assert pending["gaps"] == "Not shown: access reviews are logged"
    assert {r["scope"] for r in rows.values()} == {SCOPE}
    assert {r["carry_status"] for r in rows.values()} == {""}  # not a projection


def test_json_is_complete_and_agrees_with_the_report(
    exportable: Exportable, tmp_path: Path
) -> None:
    out = tmp_path / "a.json"
    run_export(exportable.assessment_id, "json", out)
    data = json.loads(out.read_text("utf-8"))
    report = json.loads(CliRunner().invoke(cli, ["report", exportable.assessment_id,
                                                 "--json"]).stdout)
    assert data["themes"] == report["themes"]
    assert data["review"] == report["review"]
    levels = {r["ref_id"]: r["effective_level"] for r in data["requirements"]}
    assert levels == {"A.5.15": 2, "A.5.16": 5, "A.8.1": None}
    [cited] = [r for r in data["requirements"] if r["ref_id"] == "A.5.15"]
    assert cited["citations"][0]["document"] == EVIL_DOCUMENT  # JSON is data: not altered
    assert data["reviewers"] == ["admin"]
    assert (data["scope"], data["projected_from"], data["crosswalks"]) == (SCOPE, None, [])
    assert cited["carried_from"] is None and "scope" not in cited


def test_xlsx_opens_with_sheets_levels_and_a_chart(
    exportable: Exportable, tmp_path: Path
) -> None:
    out = tmp_path / "a.xlsx"
    run_export(exportable.assessment_id, "xlsx", out)
    book = load_workbook(out)
    assert book.sheetnames == ["Summary", "Requirements", "Gaps"]
    summary = {row[0]: row[1] for row in book["Summary"].iter_rows(max_col=2, values_only=True)
               if row[0]}
    assert (summary["Framework"], summary["Reviewed"], summary["Pending (proposal only)"]) == (
        "iso27001-2022", 2, 1)
    assert summary["Scope"] == SCOPE
    assert summary["Organizational controls"] == 2  # requirements in the theme
    assert len(book["Summary"]._charts) == 1
    sheet = book["Requirements"]
    header = [c.value for c in sheet[1]]
    rows = {r[0]: dict(zip(header, r, strict=True))
            for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert (rows["A.5.16"]["Proposed level"], rows["A.5.16"]["Reviewed level"],
            rows["A.5.16"]["Effective level"]) == (3, 5, 5)
    citations = rows["A.5.15"]["Citations"]
    assert isinstance(citations, str) and citations.startswith("'=HYPERLINK")
    assert EVIL_QUOTE in citations
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref
    assert sheet["F3"].fill.fgColor.rgb.endswith("63BE7B")  # level 5 is green
    assert [r[1] for r in book["Gaps"].iter_rows(min_row=2, values_only=True)] == ["A.5.15"]


def test_soa_lists_annex_a_controls_xlsx_and_csv(
    exportable: Exportable, tmp_path: Path
) -> None:
    run_export(exportable.assessment_id, "soa", tmp_path / "soa.xlsx")
    sheet = load_workbook(tmp_path / "soa.xlsx")["Statement of Applicability"]
    rows = {r[0]: r for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert rows["A.8.1"][2:4] == ("no", "no own premises")
    assert rows["A.5.16"][2] == "yes" and rows["A.5.16"][5] == 5
    about = dict(load_workbook(tmp_path / "soa.xlsx")["About"].iter_rows(values_only=True))
    assert (about["Framework"], about["Scope"]) == ("iso27001-2022", SCOPE)
    run_export(exportable.assessment_id, "soa", tmp_path / "soa.csv")
    table = list(csv.DictReader(io.StringIO((tmp_path / "soa.csv").read_text("utf-8-sig"))))
    by_control = {r["control"]: r for r in table}
    assert by_control["A.5.15"]["evidence_references"] == "'" + EVIL_DOCUMENT
    assert by_control["A.5.16"]["level"] == "5"
    assert by_control["A.5.16"]["scope"] == SCOPE


def test_unknown_format_and_assessment_are_clear_errors(
    exportable: Exportable, tmp_path: Path
) -> None:
    bad = CliRunner().invoke(cli, ["export", exportable.assessment_id, "--format", "docx",
                                   "--out", str(tmp_path / "x")])
    assert bad.exit_code == 2
    missing = CliRunner().invoke(cli, ["export", "nope", "--format", "csv",
                                       "--out", str(tmp_path / "x.csv")])
    assert missing.exit_code == 1 and "nope" in missing.output
    assert not (tmp_path / "x.csv").exists()


def test_oscal_validates_with_trestle_and_carries_the_review(
    exportable: Exportable, tmp_path: Path
) -> None:
    out = tmp_path / "ar.json"
    run_export(exportable.assessment_id, "oscal", out)
    results = AssessmentResults.oscal_read(out)
    assert isinstance(results, AssessmentResults)
    [result] = results.results
    findings = {f.target.target_id: f for f in result.findings or []}
    assert set(findings) == {"a.5.15", "a.5.16", "a.8.1"}
    overridden = findings["a.5.16"]
    props = {p.name: p.value for p in overridden.props or []}
    assert (props["effective-level"], props["reviewed-level"], props["proposed-level"],
            props["status"]) == ("5", "5", "3", "reviewed")
    states = {ref: f.target.status.state.value for ref, f in findings.items()
              if f.target.status is not None}
    assert (states["a.5.16"], states["a.5.15"]) == ("satisfied", "not-satisfied")
    parties = {p.name: p.uuid for p in results.metadata.parties or []}
    assert overridden.origins
    [actor] = overridden.origins[0].actors
    assert actor.actor_uuid == parties["admin"]
    [observation] = [o for o in result.observations or [] if (o.title or "").startswith("A.5.15")]
    [evidence] = observation.relevant_evidence or []
    assert EVIL_QUOTE in evidence.description
    assert result.description.startswith(f"Scope: {SCOPE}")


def test_pdf_text_carries_the_numbers_and_page_one_is_drawn(
    exportable: Exportable, tmp_path: Path
) -> None:
    out = tmp_path / "report.pdf"
    run_export(exportable.assessment_id, "pdf", out)
    text = " ".join((page.extract_text() or "") for page in PdfReader(out).pages)
    text = re.sub(r"\s+", " ", text)
    assert "Organizational controls 2 1 2.50 3.50" in text  # requirements, reviewed, means
    assert "Technological controls 1 1 1.00 -" in text  # N/A left out of the effective mean
    assert "A.5.16 title of A.5.16 Level 5" in text  # the override, not the proposed 3
    assert "reviewed by admin" in text and EVIL_QUOTE in text
    assert f"Scope {SCOPE}" in text
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm (poppler-utils) is not installed")
    subprocess.run(["pdftoppm", "-png", "-r", "40", "-f", "1", "-l", "1", str(out),
                    str(tmp_path / "page")], check=True)
    [png] = tmp_path.glob("page*.png")
    image = Image.open(png).convert("L")
    dark = sum(count for value, count in enumerate(image.histogram()) if value < 200)
    assert dark > 0.01 * image.width * image.height  # text and chart, not a blank page


@pytest.mark.parametrize(("ref_id", "token"), [
    ("A.5.15", "a.5.15"), ("9.3.1", "_9.3.1"), ("Art. 32", "art.-32"), ("GV.OC-01", "gv.oc-01"),
    ("§211.68", "_211.68"),
])
def test_refs_become_oscal_tokens(ref_id: str, token: str) -> None:
    assert control_token(ref_id) == token
    assert TokenDatatype.model_validate(token).root == token  # trestle's own token type accepts it


@pytest.mark.skipif(shutil.which("soffice") is None,
                    reason="LibreOffice (soffice) is absent: apt-get install libreoffice-calc")
def test_xlsx_opens_cleanly_in_libreoffice(exportable: Exportable, tmp_path: Path) -> None:
    out = tmp_path / "a.xlsx"
    run_export(exportable.assessment_id, "xlsx", out)
    subprocess.run(["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path),
                    str(out)], check=True, timeout=300, capture_output=True)
    text = " ".join(page.extract_text() or "" for page in PdfReader(tmp_path / "a.pdf").pages)
    assert "iso27001-2022" in text


def test_a_sign_off_shows_in_json_xlsx_and_pdf(exportable: Exportable, tmp_path: Path) -> None:
    token_file = tmp_path / "token"
    token_file.write_text(exportable.admin_token)
    signed = CliRunner().invoke(cli, ["signoff", exportable.assessment_id, "--meaning",
                                      "approved", "--as", "admin", "--token-file",
                                      str(token_file)])
    assert signed.exit_code == 0, signed.output
    run_export(exportable.assessment_id, "json", tmp_path / "a.json")
    [signature] = json.loads((tmp_path / "a.json").read_text())["signatures"]
    assert (signature["signer"], signature["meaning"], signature["content_intact"]) == (
        "admin", "approved", True)
    run_export(exportable.assessment_id, "xlsx", tmp_path / "a.xlsx")
    summary = {row[0]: row[1] for row in
               load_workbook(tmp_path / "a.xlsx")["Summary"].iter_rows(max_col=2, values_only=True)
               if row[0]}
    assert str(summary["Signed off"]).startswith("admin (approved, ")
    run_export(exportable.assessment_id, "pdf", tmp_path / "a.pdf")
    text = " ".join(page.extract_text() or "" for page in PdfReader(tmp_path / "a.pdf").pages[:2])
    assert "admin (approved" in text


def test_a_projection_exports_its_provenance_in_every_format(
    exportable: Exportable, tmp_path: Path
) -> None:
    projected = CliRunner().invoke(cli, ["project", exportable.assessment_id, "--to",
                                         "nist-csf-2.0", "--json"])
    assert projected.exit_code == 0, projected.output
    printed = json.loads(projected.stdout)
    target = printed["assessment_id"]
    [origin] = next(r for r in printed["results"] if r["ref_id"] == "PR.AA-02")["carried_from"]
    crosswalk, version = origin["crosswalk"], origin["crosswalk_version"]
    assert crosswalk.endswith("iso27001-2022__nist-csf-2.0.yaml") and version
    source = f"iso27001-2022 assessment {exportable.assessment_id}"
    expected = (f"iso27001-2022 A.5.16 (intersect, level 5, reviewed: overridden; assessment "
                f"{exportable.assessment_id}; crosswalk {crosswalk} version {version})")

    run_export(target, "csv", tmp_path / "p.csv")
    rows = {r["ref_id"]: r for r in
            csv.DictReader(io.StringIO((tmp_path / "p.csv").read_text("utf-8-sig")))}
    carried = rows["PR.AA-02"]
    assert (carried["carried_from"], carried["carry_status"], carried["scope"]) == (
        expected, "carried_partial", SCOPE)  # the projection keeps the source's scope
    assert carried["evidence_check"] in ("agrees", "disagrees", "no_evidence")
    assert "PR.PS-01" not in rows  # its only source was marked not applicable: not carried

    run_export(target, "json", tmp_path / "p.json")
    data = json.loads((tmp_path / "p.json").read_text("utf-8"))
    assert data["projected_from"] == {"assessment_id": exportable.assessment_id,
                                      "framework": "iso27001-2022"}
    assert data["crosswalks"] == [f"{crosswalk} (version {version})"]
    [item] = [r for r in data["requirements"] if r["ref_id"] == "PR.AA-02"]
    [source_item] = item["carried_from"]
    assert (source_item["ref_id"], source_item["level"], source_item["reviewed"],
            source_item["crosswalk_version"], source_item["source_assessment_id"]) == (
        "A.5.16", 5, True, version, exportable.assessment_id)

    run_export(target, "xlsx", tmp_path / "p.xlsx")
    book = load_workbook(tmp_path / "p.xlsx")
    summary = {row[0]: row[1] for row in book["Summary"].iter_rows(max_col=2, values_only=True)
               if row[0]}
    assert (summary["Projected from"], summary["Crosswalks"], summary["Scope"]) == (
        source, f"{crosswalk} (version {version})", SCOPE)
    sheet = book["Requirements"]
    header = [c.value for c in sheet[1]]
    by_ref = {r[0]: dict(zip(header, r, strict=True))
              for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert by_ref["PR.AA-02"]["Carried from"] == expected
    assert str(by_ref["PR.AA-02"]["Evidence check"]).split(":")[0] == carried["evidence_check"]

    run_export(target, "pdf", tmp_path / "p.pdf")
    text = re.sub(r"\s+", " ", " ".join(page.extract_text() or "" for page in
                                         PdfReader(tmp_path / "p.pdf").pages))
    # a table cell may wrap an assessment id at one of its hyphens
    text = re.sub(r"- (?=[0-9a-f]{4})", "-", text)
    assert f"Projected from {source}" in text
    assert f"crosswalk {crosswalk} version {version}" in text
    assert "iso27001-2022 A.5.16 (intersect, level 5, reviewed: overridden" in text

    run_export(target, "oscal", tmp_path / "p-ar.json")
    results = AssessmentResults.oscal_read(tmp_path / "p-ar.json")
    assert isinstance(results, AssessmentResults)
    [result] = results.results
    result_props = {p.name: p.value for p in result.props or []}
    assert result_props["projected-from"] == exportable.assessment_id
    finding = next(f for f in result.findings or [] if f.target.target_id == "pr.aa-02")
    props = {p.name: p.value for p in finding.props or []}
    assert (props["carry-status"], props["evidence-check"]) == (
        "carried_partial", carried["evidence_check"])
    observation = next(o for o in result.observations or []
                       if (o.title or "").startswith("PR.AA-02"))
    assert f"Level carried from {expected}" in [
        e.description for e in observation.relevant_evidence or []]
