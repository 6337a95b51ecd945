"""The assessment workbook: a summary with a chart, every requirement, and the gaps."""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

from service.components.exporters.workbook import safe, write_table
from service.domain.export import ExportDocument, citation_text

REQUIREMENT_HEADER = (
    "Ref", "Title", "Theme", "Proposed level", "Reviewed level", "Effective level",
    "Level label", "Status", "Review state", "Reviewer", "Reviewed at", "Comment",
    "Rationale", "Citations", "Gaps", "Suggested evidence", "Confidence", "Carried from",
    "Evidence check",
)
GAP_HEADER = ("Priority", "Ref", "Title", "Theme", "Effective level", "Evidence found",
              "Gaps", "Suggested evidence")


def _summary(sheet: Worksheet, document: ExportDocument) -> None:
    report = document.report
    sheet.title = "Summary"
    facts: list[tuple[str, str | int]] = [
        ("Assessment", report.assessment_id), ("Framework", report.framework),
        ("Scope", report.scope or "not stated"), ("Workspace", report.workspace),
        ("Date", f"{report.created_at:%Y-%m-%d %H:%M} UTC"),
        ("Scale", f"{document.scale_name} ({report.scale})"),
        ("Levels", ", ".join(f"{k} {v}" for k, v in document.level_labels.items())),
        ("Requirements", len(document.requirements)),
        ("Reviewed", sum(r.status == "reviewed" for r in document.requirements)),
        ("Pending (proposal only)", sum(r.status != "reviewed" for r in document.requirements)),
        ("Reviewers", ", ".join(document.reviewers) or "none yet"),
        ("Signed off", "; ".join(document.signed_by) or "not signed"),
    ]
    if document.projected_from:
        facts += [("Projected from", document.projected_from),
                  ("Crosswalks", "; ".join(document.crosswalks))]
    for key, value in facts:
        sheet.append([key, safe(value)])
        sheet.cell(sheet.max_row, 1).font = Font(bold=True)
    sheet.append([])
    first = sheet.max_row + 1
    sheet.append(["Theme", "Requirements", "Reviewed", "Proposed mean", "Effective mean"])
    for cell in sheet[first]:
        cell.font = Font(bold=True)
    for theme in report.themes:
        sheet.append([safe(theme.theme), theme.requirements, theme.reviewed,
                      theme.proposed_mean, theme.effective_mean])
    last = sheet.max_row
    sheet.column_dimensions["A"].width = 34
    sheet.column_dimensions["B"].width = 40
    for column in "CDE":
        sheet.column_dimensions[column].width = 16
    chart = BarChart()
    chart.title = "Maturity per theme (proposed and effective)"
    chart.y_axis.title = "Mean level"
    chart.y_axis.scaling.min = 0
    chart.y_axis.scaling.max = max(document.level_labels)
    chart.add_data(Reference(sheet, min_col=4, max_col=5, min_row=first, max_row=last),
                   titles_from_data=True)
    chart.set_categories(Reference(sheet, min_col=1, min_row=first + 1, max_row=last))
    chart.width, chart.height = 22, 11
    sheet.add_chart(chart, f"G{first}")


def render_xlsx(document: ExportDocument) -> bytes:
    """The workbook as bytes: Summary, Requirements and Gaps sheets."""
    book = Workbook()
    summary = book.active
    assert summary is not None
    _summary(summary, document)
    write_table(
        book.create_sheet("Requirements"), REQUIREMENT_HEADER,
        ([r.ref_id, r.title, r.theme, r.proposed_level, r.reviewed_level, r.effective_level,
          r.effective_label, r.status, r.review_state.value, r.reviewer,
          r.reviewed_at.strftime("%Y-%m-%d %H:%M") if r.reviewed_at else None, r.comment,
          r.rationale, "\n".join(citation_text(c) for c in r.citations), "\n".join(r.gaps),
          "\n".join(r.suggested_evidence), r.confidence, r.carried_from.replace(" | ", "\n"),
          r.evidence_check]
         for r in document.requirements),
        widths=(10, 36, 22, 10, 10, 10, 14, 12, 14, 14, 16, 30, 50, 60, 50, 40, 10, 60, 40),
        level_columns=(3, 4, 5),
    )
    write_table(
        book.create_sheet("Gaps"), GAP_HEADER,
        ([rank, g.ref_id, g.title, g.theme, g.effective_level,
          "yes" if g.evidence_found else "no", "\n".join(f.description for f in g.facets),
          "\n".join(g.suggested_evidence)]
         for rank, g in enumerate(document.gaps, start=1)),
        widths=(9, 10, 36, 22, 10, 10, 60, 50), level_columns=(4,),
    )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
