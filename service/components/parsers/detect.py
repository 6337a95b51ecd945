"""Tell a file's type from its name and its bytes, and refuse files whose name lies."""

from __future__ import annotations

import zipfile
from pathlib import Path

import filetype

from service.domain.evidence import DocumentType
from service.errors import RejectedFileError, UnsupportedTypeError

EXTENSIONS: dict[str, DocumentType] = {
    ".pdf": DocumentType.PDF,
    ".docx": DocumentType.DOCX,
    ".md": DocumentType.MARKDOWN,
    ".markdown": DocumentType.MARKDOWN,
    ".html": DocumentType.HTML,
    ".htm": DocumentType.HTML,
    ".txt": DocumentType.TEXT,
    ".text": DocumentType.TEXT,
    ".xlsx": DocumentType.XLSX,
    ".csv": DocumentType.CSV,
    ".png": DocumentType.IMAGE,
    ".jpg": DocumentType.IMAGE,
    ".jpeg": DocumentType.IMAGE,
    ".tif": DocumentType.IMAGE,
    ".tiff": DocumentType.IMAGE,
}
IMAGE_MIMES = {"image/png", "image/jpeg", "image/tiff"}
TEXT_TYPES = {DocumentType.MARKDOWN, DocumentType.HTML, DocumentType.TEXT, DocumentType.CSV}
SNIFF_BYTES = 8192


def supported_extensions() -> str:
    """The accepted file name endings, for error messages."""
    return ", ".join(sorted(EXTENSIONS))


def sniff(path: Path) -> str:
    """What the bytes look like: a DocumentType value, 'text', or another kind's name."""
    with path.open("rb") as handle:
        head = handle.read(SNIFF_BYTES)
    if b"%PDF-" in head[:1024]:
        return DocumentType.PDF.value
    if head.startswith(b"PK\x03\x04"):
        return _sniff_zip(path)
    guess = filetype.guess(head)
    if guess is not None and guess.mime in IMAGE_MIMES:
        return DocumentType.IMAGE.value
    if guess is not None:
        return f"{guess.extension} ({guess.mime})"
    if b"\x00" in head:
        return "binary data"
    return "text"


def _sniff_zip(path: Path) -> str:
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
    except zipfile.BadZipFile:
        return "a damaged zip archive"
    if "word/document.xml" in names:
        return DocumentType.DOCX.value
    if "xl/workbook.xml" in names:
        return DocumentType.XLSX.value
    return "a zip archive"


def detect_type(path: Path) -> DocumentType:
    """The document type, when the extension is supported and the content agrees with it."""
    claimed = EXTENSIONS.get(path.suffix.lower())
    if claimed is None:
        raise UnsupportedTypeError(
            f"unsupported file type '{path.suffix or 'no extension'}'; "
            f"Assay reads {supported_extensions()}"
        )
    actual = sniff(path)
    if actual == claimed.value or (claimed in TEXT_TYPES and actual == "text"):
        return claimed
    raise RejectedFileError(
        f"the content does not match the extension: named {path.suffix} but it is {actual}"
    )
