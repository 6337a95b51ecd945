"""XLSX (openpyxl) and CSV: one passage per row, under 'Sheet > row N'."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from datetime import datetime, time
from pathlib import Path

from openpyxl import load_workbook

from service.components.parsers.limits import Budget
from service.components.parsers.text import read_text
from service.domain.evidence import DocumentType, ParsedDocument, Passage
from service.errors import RejectedFileError


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime) and value.time() == time():
        return value.date().isoformat()
    return str(value).strip()


def _rows_to_passages(
    sheet: str, rows: Iterable[Sequence[object]], budget: Budget
) -> list[Passage]:
    """Pair each row's cells with the header row's names, within the row and cell caps."""
    header: list[str] | None = None
    passages = []
    for number, row in enumerate(rows, start=1):
        budget.row(number, len(row), f"the sheet '{sheet}'")
        cells = [_cell(value) for value in row]
        if not any(cells):
            continue
        if header is None:
            header = [name or f"Column {i + 1}" for i, name in enumerate(cells)]
            continue
        names = header + [f"Column {i + 1}" for i in range(len(header), len(cells))]
        pairs = zip(names, cells, strict=False)
        text = "; ".join(f"{name}: {value}" for name, value in pairs if value)
        passages.append(Passage(text=text, headings=(sheet, f"row {number}")))
    return passages


def parse_xlsx(path: Path) -> ParsedDocument:
    """Every non-empty row of every sheet, with the sheet name and row number."""
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types on damaged files
        raise RejectedFileError(f"the XLSX is damaged and cannot be read: {exc}") from exc
    budget = Budget()
    try:
        passages = []
        for sheet in workbook.worksheets:
            # the declared dimension (<dimension ref="A1:XFD1048576"/>) is not trusted: read
            # only the rows and cells the sheet holds
            sheet.reset_dimensions()
            rows = sheet.iter_rows(values_only=True)
            passages.extend(_rows_to_passages(sheet.title, rows, budget))
    except RejectedFileError:
        raise
    except Exception as exc:  # damaged sheet XML: lxml, zipfile and value errors
        raise RejectedFileError(f"the XLSX is damaged and cannot be read: {exc}") from exc
    finally:
        workbook.close()
    if not passages:
        raise RejectedFileError("the spreadsheet has no rows below its header")
    return ParsedDocument(doc_type=DocumentType.XLSX, passages=tuple(passages))


def parse_csv(path: Path) -> ParsedDocument:
    """Every non-empty row, with the file's stem as the sheet name."""
    text = read_text(path)
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(text[:4096], ",;\t|")
    except csv.Error:
        dialect = csv.excel
    try:
        passages = _rows_to_passages(
            path.stem, csv.reader(text.splitlines(), dialect), Budget()
        )
    except csv.Error as exc:
        raise RejectedFileError(f"the CSV is malformed: {exc}") from exc
    if not passages:
        raise RejectedFileError("the CSV has no rows below its header")
    return ParsedDocument(doc_type=DocumentType.CSV, passages=tuple(passages))
