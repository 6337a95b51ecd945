"""Generate the hostile-file corpus: small files that once cost minutes, crashed or hung.

Nothing binary is committed: each builder writes its file from code. Run
``python -m tests.hostile_files OUT_DIR`` to write them all, e.g. to try them on a server.
Each case names what ingesting it must end as: ``indexed``, or ``rejected`` with a phrase of
the reason.
"""

from __future__ import annotations

import io
import sys
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from tests.files import write_xlsx, write_zip_bomb_docx


@dataclass(frozen=True)
class Hostile:
    """One hostile file: how to write it and what ingesting it must end as."""

    build: Callable[[Path], Path]
    outcome: str  # "indexed" or "rejected"
    reason: str = ""  # a phrase of the rejection message


def _pdf(objects: list[bytes]) -> bytes:
    """A PDF of numbered objects (1 is the catalog) with a correct cross-reference table."""
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n"
              % (len(objects) + 1, xref))
    return out.getvalue()


def _shared_stream_pdf(path: Path, pages: int, content: bytes) -> Path:
    """``pages`` pages that all draw one compressed content stream."""
    stream = zlib.compress(content, 9)
    kids = b" ".join(b"%d 0 R" % (4 + n) for n in range(pages))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [" + kids + b"] /Count %d >>" % pages,
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream
        + b"\nendstream",
    ]
    page = (b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 3 0 R "
            b"/Resources << /Font << /F1 << /Type /Font /Subtype /Type1 /BaseFont /Helvetica "
            b">> >> >> >>")
    objects.extend(page for _ in range(pages))
    path.write_bytes(_pdf(objects))
    return path


def pdf_decompression_bomb(path: Path) -> Path:
    """One page whose 100 MB content stream is compressed to about 100 KB."""
    return _shared_stream_pdf(path / "bomb.pdf", 1, b" " * (100 * 1024 * 1024))


def pdf_amplification(path: Path) -> Path:
    """400 pages sharing one 8 MB content stream: each page decodes and parses it again."""
    text = b"BT /F1 12 Tf 72 712 Td (Policy text) Tj ET\n"
    return _shared_stream_pdf(path / "amplified.pdf", 400, text * (8 * 1024 * 1024 // len(text)))


def pdf_many_pages(path: Path) -> Path:
    """More pages than the page cap, each tiny."""
    return _shared_stream_pdf(path / "pages.pdf", 6000, b"BT ET\n")


def pdf_nested_arrays(path: Path) -> Path:
    """A page whose MediaBox nests 50,000 arrays deep (recursion in the reader)."""
    nested = b"[" * 50_000 + b"]" * 50_000
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox " + nested + b" >>",
    ]
    (path / "nested.pdf").write_bytes(_pdf(objects))
    return path / "nested.pdf"


def _rewrite_zip(source: Path, target: Path, replace: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            new.writestr(info.filename, replace.get(info.filename, old.read(info.filename)))
    source.unlink()
    return target


def _small_xlsx(path: Path) -> Path:
    return write_xlsx(path, "Controls", [["Control", "Owner"], ["Backups", "IT"]])


def xlsx_dimension_bomb(path: Path) -> Path:
    """A two-row sheet that declares the whole grid, A1:XFD1048576."""
    source = _small_xlsx(path / "plain.xlsx")
    with zipfile.ZipFile(source) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml").decode()
    start = sheet.index("<dimension ref=\"")
    end = sheet.index("\"", start + 16)
    bomb = sheet[:start] + "<dimension ref=\"A1:XFD1048576" + sheet[end:]
    return _rewrite_zip(source, path / "dimension.xlsx", {"xl/worksheets/sheet1.xml":
                                                          bomb.encode()})


def xlsx_far_cell(path: Path) -> Path:
    """A sheet whose only other cell is the last one of the grid, XFD1048576."""
    source = _small_xlsx(path / "plain.xlsx")
    with zipfile.ZipFile(source) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml").decode()
    far = '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>'
    sheet = sheet.replace("</sheetData>", far + "</sheetData>")
    return _rewrite_zip(source, path / "far.xlsx", {"xl/worksheets/sheet1.xml": sheet.encode()})


def xlsx_broken_sheet(path: Path) -> Path:
    """A workbook whose sheet XML stops in the middle of a row."""
    source = _small_xlsx(path / "plain.xlsx")
    broken = b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/' \
             b'spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>'
    return _rewrite_zip(source, path / "broken.xlsx", {"xl/worksheets/sheet1.xml": broken})


def docx_broken_body(path: Path) -> Path:
    """A DOCX-shaped zip whose document.xml is not XML."""
    target = path / "broken.docx"
    with zipfile.ZipFile(target, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document><<<")
    return target


def csv_huge_field(path: Path) -> Path:
    """A CSV with one quoted field of 200 KB (over the csv module's 128 KB)."""
    target = path / "field.csv"
    target.write_text('control,evidence\nbackups,"' + "x" * 200_000 + '"\n')
    return target


def markdown_one_line(path: Path) -> Path:
    """1 MB of prose on a single line, without a sentence end."""
    target = path / "oneline.md"
    target.write_text("# Policy\n\n" + "access review evidence " * 46_000 + "\n")
    return target


def markdown_one_word(path: Path) -> Path:
    """1 MB on a single line without a space (the splitter went character by character)."""
    target = path / "oneword.md"
    target.write_text("# Policy\n\n" + "a" * 1_000_000 + "\n")
    return target


def text_redos_line(path: Path) -> Path:
    """A line of 20,000 spaces and one character (the table-rule pattern's worst case)."""
    target = path / "spaces.txt"
    target.write_text("Backups are tested every quarter by the IT team.\n" + " " * 20_000 + "x\n")
    return target


def html_deep(path: Path) -> Path:
    """100,000 nested div elements."""
    target = path / "deep.html"
    target.write_text("<html><body>" + "<div>" * 100_000 + "text" + "</div>" * 100_000)
    return target


def markdown_deep_quotes(path: Path) -> Path:
    """A blockquote nested 50,000 deep."""
    target = path / "quotes.md"
    target.write_text("> " * 50_000 + "Access is reviewed every quarter by the owners.\n")
    return target


CORPUS: dict[str, Hostile] = {
    "pdf decompression bomb": Hostile(pdf_decompression_bomb, "rejected"),
    "pdf amplification": Hostile(pdf_amplification, "rejected", "to parse"),
    "pdf too many pages": Hostile(pdf_many_pages, "rejected", "pages"),
    "pdf nested arrays": Hostile(pdf_nested_arrays, "rejected", "PDF"),
    "xlsx dimension bomb": Hostile(xlsx_dimension_bomb, "indexed"),
    "xlsx far cell": Hostile(xlsx_far_cell, "rejected", "goes past row"),
    "xlsx broken sheet xml": Hostile(xlsx_broken_sheet, "rejected", "damaged"),
    "docx broken body": Hostile(docx_broken_body, "rejected", "DOCX"),
    "docx zip bomb": Hostile(lambda d: write_zip_bomb_docx(d / "bomb.docx"), "rejected", "zip"),
    "csv field over 128 KB": Hostile(csv_huge_field, "rejected", "field larger"),
    "markdown 1 MB on one line": Hostile(markdown_one_line, "indexed"),
    "markdown 1 MB without a space": Hostile(markdown_one_word, "indexed"),
    "text 20,000 spaces": Hostile(text_redos_line, "indexed"),
    "html nested 100,000 deep": Hostile(html_deep, "rejected", "nested"),
    "markdown quotes nested 50,000 deep": Hostile(markdown_deep_quotes, "indexed"),
}


def main(out: Path) -> None:
    """Write every hostile file into ``out`` (one folder per case)."""
    for number, (name, case) in enumerate(CORPUS.items()):
        folder = out / f"{number:02d}"
        folder.mkdir(parents=True, exist_ok=True)
        print(f"{case.build(folder)}\t{name}\t{case.outcome} {case.reason}".rstrip())


if __name__ == "__main__":
    main(Path(sys.argv[1]))
