"""openpyxl helpers shared by the assessment workbook and the Statement of Applicability."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from service.domain.export import neutralise

Cell = str | int | float | None
# one fill per level 0-5, red to green; higher levels of longer scales take the last
LEVEL_FILLS = ("F8696B", "FA9A73", "FDD17F", "E9E583", "B1D580", "63BE7B")
WRAP = Alignment(wrap_text=True, vertical="top")


def safe(value: Cell) -> Cell:
    """A cell value with any formula-looking text neutralised."""
    return neutralise(value) if isinstance(value, str) else value


def level_fill(level: int) -> PatternFill:
    """The fill of a cell holding ``level``."""
    colour = LEVEL_FILLS[min(max(level, 0), len(LEVEL_FILLS) - 1)]
    return PatternFill(start_color=colour, end_color=colour, fill_type="solid")


def write_table(
    sheet: Worksheet, header: Sequence[str], rows: Iterable[Sequence[Cell]],
    widths: Sequence[int], level_columns: Sequence[int] = (),
) -> None:
    """A table from A1: bold frozen header, filters, widths, wrapped text, levels coloured."""
    sheet.append(list(header))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([safe(v) for v in row])
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = WRAP
        for column in level_columns:
            value = row[column].value
            if isinstance(value, int):
                row[column].fill = level_fill(value)
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
