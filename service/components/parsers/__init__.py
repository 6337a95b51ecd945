"""Document parsers (one per format) and chunking; the only place that imports them."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from service.components.parsers.archive import check_zip
from service.components.parsers.chunking import chunk_passages
from service.components.parsers.detect import detect_type, supported_extensions
from service.components.parsers.docx import parse_docx
from service.components.parsers.image import parse_image
from service.components.parsers.limits import ParseLimits, current_limits
from service.components.parsers.pdf import parse_pdf
from service.components.parsers.sentences import split_sentences
from service.components.parsers.spreadsheet import parse_csv, parse_xlsx
from service.components.parsers.text import parse_html, parse_markdown, parse_text
from service.components.parsers.worker import parse_bounded
from service.domain.evidence import DocumentType, ParsedDocument
from service.settings import OcrSettings

PARSERS: dict[DocumentType, Callable[[Path], ParsedDocument]] = {
    DocumentType.DOCX: parse_docx,
    DocumentType.MARKDOWN: parse_markdown,
    DocumentType.HTML: parse_html,
    DocumentType.TEXT: parse_text,
    DocumentType.XLSX: parse_xlsx,
    DocumentType.CSV: parse_csv,
}
# formats whose pages may be images, read by OCR within the OCR settings' bounds
OCR_PARSERS: dict[DocumentType, Callable[[Path, OcrSettings], ParsedDocument]] = {
    DocumentType.PDF: parse_pdf,
    DocumentType.IMAGE: parse_image,
}
ZIPPED = {DocumentType.DOCX, DocumentType.XLSX}


def parse_document(
    path: Path, doc_type: DocumentType, ocr: OcrSettings | None = None
) -> ParsedDocument:
    """Parse a file whose type was detected, guarding zip-based formats first.

    Unbounded in this process: ingestion calls ``parse_bounded``, which runs this in a
    worker process under the limits of ``current_limits()``. Scans are read by OCR within
    ``ocr``'s bounds.
    """
    if doc_type in ZIPPED:
        limits = current_limits()
        check_zip(path, limits.max_unpacked_bytes, limits.max_compression_ratio)
    if doc_type in OCR_PARSERS:
        return OCR_PARSERS[doc_type](path, ocr or OcrSettings())
    return PARSERS[doc_type](path)


__all__ = [
    "ParseLimits",
    "chunk_passages",
    "detect_type",
    "parse_bounded",
    "parse_document",
    "split_sentences",
    "supported_extensions",
]
