"""The Statement of Applicability as a workbook."""

from __future__ import annotations

import io
from collections.abc import Sequence

from openpyxl import Workbook

from service.components.exporters.workbook import Cell, write_table

SOA_HEADER = ("Control", "Title", "Applicable", "Justification", "Implementation status",
              "Level", "Status", "Evidence references")


def render_soa_xlsx(rows: Sequence[Sequence[Cell]], framework: str) -> bytes:
    """One sheet, "Statement of Applicability", with a row per Annex A control."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Statement of Applicability"
    write_table(sheet, SOA_HEADER, rows, widths=(10, 40, 11, 60, 22, 8, 12, 50),
                level_columns=(5,))
    book.properties.title = f"Statement of Applicability ({framework})"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
