"""Builders of real test files in every supported format, and of bad ones."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import docx
from fpdf import FPDF
from openpyxl import Workbook
from pypdf import PdfReader, PdfWriter


def write_pdf(path: Path, pages: list[str]) -> Path:
    """A text PDF with one string per page."""
    pdf = FPDF()
    pdf.set_font("Helvetica", size=11)
    for text in pages:
        pdf.add_page()
        pdf.multi_cell(0, 6, text)
    pdf.output(str(path))
    return path


def write_encrypted_pdf(path: Path, text: str) -> Path:
    """A PDF that needs a user password to open."""
    source = write_pdf(path.with_suffix(".plain.pdf"), [text])
    writer = PdfWriter()
    for page in PdfReader(source).pages:
        writer.add_page(page)
    writer.encrypt(user_password="secret", owner_password="owner")
    with path.open("wb") as handle:
        writer.write(handle)
    source.unlink()
    return path


def write_docx(path: Path, sections: list[tuple[int, str, str]]) -> Path:
    """A DOCX of (heading level, heading, body paragraph) triples, with a table at the end."""
    document = docx.Document()
    for level, heading, body in sections:
        document.add_heading(heading, level=level)
        document.add_paragraph(body)
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "Owner", "Review"
    table.cell(1, 0).text, table.cell(1, 1).text = "CISO", "Annual"
    document.save(str(path))
    return path


def write_zip_bomb_docx(path: Path, unpacked_mib: int = 300) -> Path:
    """A DOCX-shaped zip whose document.xml unpacks to hundreds of MiB of zeros."""
    chunk = b"0" * (1024 * 1024)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("word/document.xml", "w", force_zip64=True) as member:
            for _ in range(unpacked_mib):
                member.write(chunk)
    return path


def write_xlsx(path: Path, sheet: str, rows: list[list[object]]) -> Path:
    """A workbook with one named sheet."""
    workbook = Workbook()
    worksheet = workbook.active
    assert worksheet is not None
    worksheet.title = sheet
    for row in rows:
        worksheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    path.write_bytes(buffer.getvalue())
    return path
