"""The Statement of Applicability as a workbook."""

from __future__ import annotations

import io
from collections.abc import Sequence

from openpyxl import Workbook
from openpyxl.styles import Font

from service.components.exporters.workbook import WRAP, Cell, safe, write_table

SOA_HEADER = ("Control", "Title", "Applicable", "Justification", "Implementation status",
              "Level", "Status", "Evidence references", "Carried from")


def render_soa_xlsx(rows: Sequence[Sequence[Cell]], facts: Sequence[tuple[str, str]]) -> bytes:
    """A sheet "Statement of Applicability" with a row per Annex A control, then "About".

    ``facts`` (framework, scope, date, ...) fill the "About" sheet, one per row.
    """
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Statement of Applicability"
    write_table(sheet, SOA_HEADER, rows, widths=(10, 40, 11, 60, 22, 8, 12, 50, 60),
                level_columns=(5,))
    about = book.create_sheet("About")
    for key, value in facts:
        about.append([key, safe(value)])
        about.cell(about.max_row, 1).font = Font(bold=True)
        about.cell(about.max_row, 2).alignment = WRAP
    about.column_dimensions["A"].width = 18
    about.column_dimensions["B"].width = 90
    framework = dict(facts).get("Framework", "")
    book.properties.title = f"Statement of Applicability ({framework})"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
