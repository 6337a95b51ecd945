"""Render the Kestrel Bioanalytics sample document set into ``samples/``.

The sources are Markdown files in ``tools/samples_src/``, one per document. Each is
rendered to the format listed in :data:`DOCUMENTS`:

* ``md``: copied byte for byte;
* ``pdf``: rendered with fpdf2 (core Helvetica font, latin-1 text, bold headings);
* ``docx``: rendered with python-docx using the built-in Title/Heading 1/Heading 2 styles;
* ``xlsx``: every ``##`` section that holds a table becomes a worksheet (openpyxl);
* ``csv``: the first table of the source becomes the CSV file.

Only a small Markdown subset is understood: ``#`` to ``####`` headings, paragraphs,
``-`` and ``1.`` list items (nested by four spaces), ``**bold**`` spans and pipe tables.

The output is deterministic: document dates come from :data:`DOCUMENTS`, and the zip
containers written by python-docx and openpyxl are rewritten with fixed timestamps, so
running the script twice produces identical bytes.

Run from the repository root::

    .venv/bin/python tools/build_samples.py
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import shutil
import sys
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import docx
from docx.document import Document as DocxDocument
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.table import CT_Tc
from docx.shared import Mm, Pt, RGBColor
from docx.text.paragraph import Paragraph as DocxParagraph
from fpdf import FPDF
from fpdf.enums import XPos, YPos
from fpdf.fonts import FontFace
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

ROOT = Path(__file__).resolve().parent.parent
SRC_DIR = ROOT / "tools" / "samples_src"
OUT_DIR = ROOT / "samples"

COMPANY = "Kestrel Bioanalytics Ltd"
ZIP_EPOCH = (2026, 1, 1, 0, 0, 0)
"""Timestamp written into every zip member (docx/xlsx); the zip format has no time zone."""

OutputFormat = Literal["md", "pdf", "docx", "xlsx", "csv"]


@dataclass(frozen=True)
class SampleDoc:
    """One document of the sample set and how to render it."""

    source: str
    """File name in :data:`SRC_DIR`."""
    output: str
    """File name in :data:`OUT_DIR`; the extension selects the renderer."""
    doc_id: str
    """Document or record identifier, printed in headers and footers."""
    author: str
    """Author written into the file metadata."""
    date: dt.date
    """Issue date, used for the file metadata (creation and modification)."""

    @property
    def fmt(self) -> OutputFormat:
        """Output format derived from the output file extension."""
        suffix = Path(self.output).suffix.lstrip(".")
        if suffix not in ("md", "pdf", "docx", "xlsx", "csv"):
            raise ValueError(f"unsupported output format: {self.output}")
        return suffix  # type: ignore[return-value]


DOCUMENTS: tuple[SampleDoc, ...] = (
    SampleDoc(
        "information_security_policy.md",
        "information_security_policy.pdf",
        "KB-ISMS-POL-001",
        "Priya Natarajan",
        dt.date(2026, 2, 12),
    ),
    SampleDoc(
        "access_control_policy.md",
        "access_control_policy.docx",
        "KB-ISMS-POL-005",
        "Priya Natarajan",
        dt.date(2026, 3, 2),
    ),
    SampleDoc(
        "incident_response_procedure.md",
        "incident_response_procedure.md",
        "KB-ISMS-PRO-003",
        "Priya Natarajan",
        dt.date(2026, 1, 19),
    ),
    SampleDoc(
        "risk_assessment_methodology.md",
        "risk_assessment_methodology.docx",
        "KB-ISMS-MTH-001",
        "Priya Natarajan",
        dt.date(2026, 4, 6),
    ),
    SampleDoc(
        "supplier_security_policy.md",
        "supplier_security_policy.md",
        "KB-ISMS-POL-008",
        "Priya Natarajan",
        dt.date(2026, 5, 11),
    ),
    SampleDoc(
        "backup_restore_standard.md",
        "backup_restore_standard.pdf",
        "KB-IT-STD-004",
        "Daniel Kowalski",
        dt.date(2026, 1, 12),
    ),
    SampleDoc(
        "backup_restore_test_log_2026.md",
        "backup_restore_test_log_2026.csv",
        "KB-IT-REC-004",
        "Owen Price",
        dt.date(2026, 10, 16),
    ),
    SampleDoc(
        "quality_manual.md",
        "quality_manual.pdf",
        "KB-QMS-QM-001",
        "Graham Whitlock",
        dt.date(2026, 3, 23),
    ),
    SampleDoc(
        "sop_qc_014_audit_trail_review.md",
        "SOP-QC-014_electronic_records_audit_trail_review.docx",
        "SOP-QC-014",
        "Sam Oduya",
        dt.date(2026, 6, 1),
    ),
    SampleDoc(
        "access_review_minutes_2026_q3.md",
        "access_review_minutes_2026_q3.docx",
        "KB-ISMS-REC-AR-2026-Q3",
        "Owen Price",
        dt.date(2026, 10, 12),
    ),
    SampleDoc(
        "internal_audit_report_2026.md",
        "internal_audit_report_2026.pdf",
        "IA-2026-02",
        "Lucy Barrow",
        dt.date(2026, 9, 30),
    ),
    SampleDoc(
        "security_incident_register_2026.md",
        "security_incident_register_2026.xlsx",
        "KB-ISMS-REG-001",
        "Priya Natarajan",
        dt.date(2026, 10, 20),
    ),
    SampleDoc(
        "travel_and_expenses_policy.md",
        "travel_and_expenses_policy.md",
        "HR-POL-012",
        "Martin Hale",
        dt.date(2026, 4, 1),
    ),
)


# --------------------------------------------------------------------------- Markdown model


@dataclass(frozen=True)
class Heading:
    """A ``#`` heading; level 1 is the document title."""

    level: int
    text: str


@dataclass(frozen=True)
class Para:
    """A paragraph of running text (may contain ``**bold**`` spans)."""

    text: str


@dataclass(frozen=True)
class ListItem:
    """A bullet (``marker == "-"``) or numbered item (``marker == "3."``)."""

    marker: str
    text: str
    depth: int


@dataclass(frozen=True)
class Table:
    """A pipe table: one header row and zero or more body rows."""

    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


Block = Heading | Para | ListItem | Table

_HEADING = re.compile(r"^(#{1,4})\s+(.*)$")
_ITEM = re.compile(r"^(\s*)(-|\d+\.)\s+(.*)$")
_BOLD = re.compile(r"\*\*(.+?)\*\*")
_TABLE_RULE = re.compile(r"^\|?\s*:?-{3,}")


def _split_row(line: str) -> tuple[str, ...]:
    """Split one pipe-table line into stripped cell texts."""
    inner = line.strip()
    inner = inner.removeprefix("|").removesuffix("|")
    return tuple(cell.strip() for cell in inner.split("|"))


def parse_markdown(text: str) -> list[Block]:
    """Parse the supported Markdown subset into a flat list of blocks."""
    blocks: list[Block] = []
    lines = text.splitlines()
    para: list[str] = []

    def flush() -> None:
        if para:
            blocks.append(Para(" ".join(para)))
            para.clear()

    i = 0
    while i < len(lines):
        line = lines[i]
        stripped = line.strip()
        if not stripped:
            flush()
            i += 1
            continue
        if stripped.startswith("|"):
            flush()
            rows: list[tuple[str, ...]] = []
            while i < len(lines) and lines[i].strip().startswith("|"):
                if not _TABLE_RULE.match(lines[i].strip()):
                    rows.append(_split_row(lines[i]))
                i += 1
            width = len(rows[0])
            body = tuple(row + ("",) * (width - len(row)) for row in rows[1:])
            blocks.append(Table(rows[0], body))
            continue
        if heading := _HEADING.match(line):
            flush()
            blocks.append(Heading(len(heading.group(1)), heading.group(2).strip()))
        elif item := _ITEM.match(line):
            flush()
            depth = len(item.group(1).expandtabs(4)) // 4
            blocks.append(ListItem(item.group(2), item.group(3).strip(), depth))
        elif blocks and isinstance(blocks[-1], ListItem) and not para and line[:1].isspace():
            last = blocks.pop()
            assert isinstance(last, ListItem)
            blocks.append(ListItem(last.marker, f"{last.text} {stripped}", last.depth))
        else:
            para.append(stripped)
        i += 1
    flush()
    return blocks


def spans(text: str) -> Iterator[tuple[str, bool]]:
    """Yield ``(text, is_bold)`` runs of a line with ``**bold**`` markup."""
    pos = 0
    for match in _BOLD.finditer(text):
        if match.start() > pos:
            yield text[pos : match.start()], False
        yield match.group(1), True
        pos = match.end()
    if pos < len(text):
        yield text[pos:], False


def plain(text: str) -> str:
    """Return ``text`` without ``**`` markup."""
    return _BOLD.sub(r"\1", text)


def title_of(blocks: Sequence[Block]) -> str:
    """Return the text of the first level-1 heading, or an empty string."""
    for block in blocks:
        if isinstance(block, Heading) and block.level == 1:
            return block.text
    return ""


def tables_by_section(blocks: Sequence[Block]) -> list[tuple[str, Table]]:
    """Return ``(section heading, table)`` pairs; tables before any ``##`` use the title."""
    section = title_of(blocks)
    found: list[tuple[str, Table]] = []
    for block in blocks:
        if isinstance(block, Heading) and block.level >= 2:
            section = block.text
        elif isinstance(block, Table):
            found.append((section, block))
    return found


# --------------------------------------------------------------------------- PDF


def _col_widths(table: Table, total: float) -> list[float]:
    """Share ``total`` mm between columns roughly in proportion to their text length.

    Each column is at least as wide as its longest word, so short values such as dates
    and names do not wrap mid-way.
    """
    count = len(table.header)
    weights: list[float] = []
    minimums: list[float] = []
    for col in range(count):
        cells = [plain(table.header[col]), *(plain(row[col]) for row in table.rows)]
        longest = max(len(cell) for cell in cells)
        average = sum(len(cell) for cell in cells) / len(cells)
        weights.append(max(4.0, min(100.0, 0.4 * longest + 0.6 * average)))
        word = max((len(w) for cell in cells for w in cell.split()), default=4)
        minimums.append(min(38.0, 1.75 * word + 3.5))
    scale = total / sum(weights)
    widths = [max(low, w * scale) for w, low in zip(weights, minimums, strict=True)]
    overflow = sum(widths) - total
    if overflow > 0:
        spare = sum(w - low for w, low in zip(widths, minimums, strict=True))
        if spare <= overflow:
            return [total * w / sum(widths) for w in widths]
        widths = [w - overflow * (w - low) / spare for w, low in zip(widths, minimums, strict=True)]
    return widths


class SamplePDF(FPDF):
    """A4 portrait PDF with a company header and a page-numbered footer."""

    def __init__(self, doc: SampleDoc, title: str) -> None:
        """Set up page geometry, metadata and fonts for ``doc``."""
        super().__init__(orientation="P", unit="mm", format="A4")
        self.doc = doc
        self.doc_title = title
        self.set_margins(18, 22, 18)
        self.set_auto_page_break(auto=True, margin=20)
        self.set_title(title)
        self.set_author(doc.author)
        self.set_subject(f"{COMPANY} - {doc.doc_id}")
        self.set_creator("Microsoft Word - exported to PDF")
        self.set_producer("Kestrel eQMS PDF export")
        when = dt.datetime.combine(doc.date, dt.time(9, 0), tzinfo=dt.UTC)
        self.set_creation_date(when)
        self.alias_nb_pages()

    def header(self) -> None:
        """Draw the running header: company name and document id."""
        self.set_font("Helvetica", "", 8)
        self.set_text_color(90, 90, 90)
        self.set_y(10)
        width = self.w - self.l_margin - self.r_margin
        self.cell(width / 2, 5, COMPANY, align="L")
        self.cell(width / 2, 5, self.doc.doc_id, align="R", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_draw_color(150, 150, 150)
        self.line(self.l_margin, 15.5, self.w - self.r_margin, 15.5)
        self.set_text_color(0, 0, 0)
        self.set_y(22)

    def footer(self) -> None:
        """Draw the running footer: classification, title and page x of y."""
        self.set_y(-13)
        self.set_font("Helvetica", "", 8)
        self.set_text_color(90, 90, 90)
        width = self.w - self.l_margin - self.r_margin
        self.cell(width * 0.75, 5, f"Internal - {self.doc_title}", align="L")
        self.cell(width * 0.25, 5, f"Page {self.page_no()} of {{nb}}", align="R")
        self.set_text_color(0, 0, 0)


def _pdf_rich(pdf: SamplePDF, text: str, size: float, line_height: float) -> None:
    """Write flowing text with bold spans, ending on a new line."""
    for chunk, bold in spans(text):
        pdf.set_font("Helvetica", "B" if bold else "", size)
        pdf.write(line_height, chunk)
    pdf.ln(line_height)


def render_pdf(doc: SampleDoc, blocks: Sequence[Block]) -> bytes:
    """Render parsed blocks as a PDF document and return its bytes."""
    title = title_of(blocks)
    pdf = SamplePDF(doc, title)
    pdf.add_page()
    body = 9.5
    line_h = 4.5
    text_w = pdf.w - pdf.l_margin - pdf.r_margin
    previous: Block | None = None
    for block in blocks:
        if isinstance(block, Heading):
            size = {1: 18.0, 2: 13.0, 3: 11.0, 4: 10.0}[block.level]
            if block.level > 1:
                # keep a heading together with at least a few lines of what follows
                if pdf.get_y() > pdf.h - pdf.b_margin - 30:
                    pdf.add_page()
                pdf.ln(3 if block.level == 2 else 1.5)
            pdf.set_font("Helvetica", "B", size)
            pdf.multi_cell(
                text_w, size * 0.5, block.text, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT
            )
            pdf.ln(2 if block.level <= 2 else 1)
        elif isinstance(block, Para):
            _pdf_rich(pdf, block.text, body, line_h)
            pdf.ln(2)
        elif isinstance(block, ListItem):
            indent = 5.0 + 6.0 * block.depth
            marker = "-" if block.marker == "-" else block.marker
            pdf.set_font("Helvetica", "", body)
            pdf.set_x(pdf.l_margin + indent)
            pdf.cell(6, line_h, marker)
            left = pdf.l_margin
            pdf.set_left_margin(left + indent + 6)
            _pdf_rich(pdf, block.text, body, line_h)
            pdf.set_left_margin(left)
            pdf.ln(1)
        elif isinstance(block, Table):
            if previous is not None and not isinstance(previous, Heading):
                pdf.ln(1)
            size = 8.0 if len(block.header) >= 5 else 8.5
            pdf.set_font("Helvetica", "", size)
            widths = _col_widths(block, text_w)
            heading_style = FontFace(emphasis="BOLD", fill_color=(225, 230, 238))
            with pdf.table(
                col_widths=widths,
                width=text_w,
                text_align="LEFT",
                line_height=size * 0.48,
                headings_style=heading_style,
                padding=(0.8, 1.2),
            ) as table:
                for row in (block.header, *block.rows):
                    pdf_row = table.row()
                    for cell in row:
                        pdf_row.cell(plain(cell))
            pdf.ln(3)
        previous = block
    return bytes(pdf.output())


# --------------------------------------------------------------------------- DOCX


def _add_runs(paragraph: DocxParagraph, text: str, *, bold: bool = False) -> None:
    """Append ``text`` to ``paragraph`` as runs, honouring ``**bold**`` markup."""
    for chunk, is_bold in spans(text):
        run = paragraph.add_run(chunk)
        run.bold = bold or is_bold


def _add_page_field(paragraph: DocxParagraph) -> None:
    """Append a PAGE field (current page number) to ``paragraph``."""
    run = paragraph.add_run()
    for kind, instruction in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        else:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = f" {instruction} "
        run._r.append(element)


def _shade(cell_xml: CT_Tc, colour: str) -> None:
    """Give a table cell a solid background colour (hex RGB)."""
    properties = cell_xml.get_or_add_tcPr()
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), colour)
    properties.append(shading)


def _docx_table(document: DocxDocument, table: Table) -> None:
    """Append a grid table whose first row is a bold, shaded header."""
    grid = document.add_table(rows=1 + len(table.rows), cols=len(table.header))
    grid.style = document.styles["Table Grid"]
    grid.alignment = WD_TABLE_ALIGNMENT.LEFT
    for r, row in enumerate((table.header, *table.rows)):
        for c, text in enumerate(row):
            cell = grid.cell(r, c)
            paragraph = cell.paragraphs[0]
            _add_runs(paragraph, text, bold=(r == 0))
            for run in paragraph.runs:
                run.font.size = Pt(9)
            if r == 0:
                _shade(cell._tc, "E1E6EE")
    document.add_paragraph()


def render_docx(doc: SampleDoc, blocks: Sequence[Block]) -> bytes:
    """Render parsed blocks as a Word document and return its (normalised) bytes."""
    title = title_of(blocks)
    document = docx.Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    for side in ("left_margin", "right_margin"):
        setattr(section, side, Mm(22))
    section.top_margin, section.bottom_margin = Mm(22), Mm(20)

    normal = document.styles["Normal"]
    normal.font.name = "Calibri"
    normal.font.size = Pt(10.5)
    for name, size in (("Title", 20), ("Heading 1", 14), ("Heading 2", 12), ("Heading 3", 11)):
        style = document.styles[name]
        style.font.name = "Calibri"
        style.font.size = Pt(size)
        style.font.color.rgb = RGBColor(0x1F, 0x3A, 0x5F)

    header = section.header.paragraphs[0]
    header.text = f"{COMPANY}\t\t{doc.doc_id}"
    footer = section.footer.paragraphs[0]
    footer.text = f"Internal - {title}\t\tPage "
    _add_page_field(footer)

    styles = {1: "Title", 2: "Heading 1", 3: "Heading 2", 4: "Heading 3"}
    for block in blocks:
        if isinstance(block, Heading):
            document.add_paragraph(block.text, style=styles[block.level])
        elif isinstance(block, Para):
            _add_runs(document.add_paragraph(), block.text)
        elif isinstance(block, ListItem):
            if block.marker == "-":
                style = "List Bullet" if block.depth == 0 else "List Bullet 2"
                paragraph = document.add_paragraph(style=style)
            else:
                paragraph = document.add_paragraph(style="List Paragraph")
                paragraph.paragraph_format.left_indent = Mm(8 + 6 * block.depth)
                paragraph.paragraph_format.first_line_indent = Mm(-6)
                paragraph.add_run(f"{block.marker}\t")
            _add_runs(paragraph, block.text)
        elif isinstance(block, Table):
            _docx_table(document, block)

    when = dt.datetime.combine(doc.date, dt.time(9, 0))
    props = document.core_properties
    props.title = title
    props.subject = doc.doc_id
    props.author = doc.author
    props.last_modified_by = doc.author
    props.comments = ""
    props.keywords = COMPANY
    props.category = "Controlled document"
    props.revision = 1
    props.created = when
    props.modified = when
    props.last_printed = when
    buffer = io.BytesIO()
    document.save(buffer)
    return normalise_zip(buffer.getvalue(), when)


# --------------------------------------------------------------------------- XLSX and CSV


_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _cell_value(text: str) -> str | int | dt.date | None:
    """Convert a table cell to a typed spreadsheet value."""
    text = plain(text)
    if not text:
        return None
    if _ISO_DATE.match(text):
        return dt.date.fromisoformat(text)
    if text.isdigit() and not text.startswith("0"):
        return int(text)
    return text


def render_xlsx(doc: SampleDoc, blocks: Sequence[Block]) -> bytes:
    """Render each ``##`` section table as a worksheet, plus an "About" sheet."""
    title = title_of(blocks)
    workbook = Workbook()
    workbook.remove(workbook.active)
    header_font = Font(bold=True)
    header_fill = PatternFill("solid", fgColor="E1E6EE")
    wrap = Alignment(wrap_text=True, vertical="top")
    for name, table in tables_by_section(blocks):
        sheet = workbook.create_sheet(name[:31])
        sheet.append(list(table.header))
        for row in table.rows:
            sheet.append([_cell_value(cell) for cell in row])
        for col, heading in enumerate(table.header, start=1):
            cells = [heading, *(row[col - 1] for row in table.rows)]
            longest = max(len(plain(cell)) for cell in cells)
            letter = get_column_letter(col)
            sheet.column_dimensions[letter].width = min(60, max(10, longest * 0.45 + 4))
            sheet.cell(1, col).font = header_font
            sheet.cell(1, col).fill = header_fill
        for row_cells in sheet.iter_rows(min_row=1):
            for cell in row_cells:
                cell.alignment = wrap
                if isinstance(cell.value, dt.date):
                    cell.number_format = "yyyy-mm-dd"
        sheet.freeze_panes = "B2"
        sheet.auto_filter.ref = sheet.dimensions
    about = workbook.create_sheet("About")
    about.column_dimensions["A"].width = 110
    about.append([title])
    about["A1"].font = Font(bold=True, size=13)
    for block in blocks:
        if isinstance(block, Para):
            about.append([plain(block.text)])
            about.cell(about.max_row, 1).alignment = wrap

    when = dt.datetime.combine(doc.date, dt.time(9, 0))
    workbook.properties.title = title
    workbook.properties.subject = doc.doc_id
    workbook.properties.creator = doc.author
    workbook.properties.lastModifiedBy = doc.author
    workbook.properties.created = when
    buffer = io.BytesIO()
    workbook.save(buffer)
    return normalise_zip(buffer.getvalue(), when)


def render_csv(doc: SampleDoc, blocks: Sequence[Block]) -> bytes:
    """Write the first table of the source as UTF-8 CSV with LF line endings."""
    tables = [block for block in blocks if isinstance(block, Table)]
    if not tables:
        raise ValueError(f"{doc.source}: no table to export as CSV")
    table = tables[0]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(table.header)
    writer.writerows([plain(cell) for cell in row] for row in table.rows)
    return buffer.getvalue().encode("utf-8")


# --------------------------------------------------------------------------- helpers


_CORE_MODIFIED = re.compile(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)")


def normalise_zip(data: bytes, modified: dt.datetime) -> bytes:
    """Rewrite an OOXML zip with fixed member timestamps and a fixed modified date.

    python-docx and openpyxl stamp zip members with the current time, and openpyxl also
    overwrites ``dcterms:modified`` on save; both would make the output differ per run.
    """
    stamp = modified.strftime("%Y-%m-%dT%H:%M:%SZ").encode("ascii")
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            payload = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                payload = _CORE_MODIFIED.sub(rb"\g<1>" + stamp + rb"\g<2>", payload)
            member = zipfile.ZipInfo(info.filename, date_time=ZIP_EPOCH)
            member.compress_type = zipfile.ZIP_DEFLATED
            member.external_attr = 0o644 << 16
            target.writestr(member, payload)
    return out.getvalue()


def check_latin1(doc: SampleDoc, text: str) -> None:
    """Fail early if a PDF source holds characters the core fonts cannot show."""
    for number, line in enumerate(text.splitlines(), start=1):
        try:
            line.encode("latin-1")
        except UnicodeEncodeError as error:
            bad = line[error.start : error.end]
            raise ValueError(f"{doc.source}:{number}: non latin-1 character {bad!r}") from error


def build(doc: SampleDoc, out_dir: Path = OUT_DIR) -> Path:
    """Render one document into ``out_dir`` and return the written path."""
    source = SRC_DIR / doc.source
    target = out_dir / doc.output
    if doc.fmt == "md":
        shutil.copyfile(source, target)
        return target
    text = source.read_text(encoding="utf-8")
    blocks = parse_markdown(text)
    if doc.fmt == "pdf":
        check_latin1(doc, text)
        data = render_pdf(doc, blocks)
    elif doc.fmt == "docx":
        data = render_docx(doc, blocks)
    elif doc.fmt == "xlsx":
        data = render_xlsx(doc, blocks)
    else:
        data = render_csv(doc, blocks)
    target.write_bytes(data)
    return target


def build_all(documents: Iterable[SampleDoc] = DOCUMENTS, out_dir: Path = OUT_DIR) -> list[Path]:
    """Render every document of the set into ``out_dir``."""
    out_dir.mkdir(parents=True, exist_ok=True)
    return [build(doc, out_dir) for doc in documents]


def main() -> int:
    """Build the sample set and print one line per written file."""
    for path in build_all():
        print(f"{path.stat().st_size:>8}  {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
