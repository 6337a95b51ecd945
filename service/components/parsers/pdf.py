"""PDF text extraction with pypdf, one passage per page; pages without a text layer are OCR'd."""

from __future__ import annotations

import logging
import math
from pathlib import Path

import pypdfium2
from pypdf import PageObject, PdfReader
from pypdf.errors import FileNotDecryptedError, LimitReachedError, PdfReadError, PyPdfError

from service.components.parsers.limits import check_pages
from service.components.parsers.ocr import ocr_passage, read_image
from service.domain.evidence import DocumentType, ParsedDocument, Passage
from service.errors import RejectedFileError
from service.settings import OcrSettings

logging.getLogger("pypdf").setLevel(logging.ERROR)

POINTS_PER_INCH = 72
# a page with an image and fewer characters than this per square inch (about 47 on A4), or
# with no text at all, is read by OCR too
SPARSE_CHARS_PER_SQUARE_INCH = 0.5


def _has_image(page: PageObject) -> bool:
    """Whether the page draws an image of its own (a scan does)."""
    resources = page.get("/Resources")
    xobjects = resources.get_object().get("/XObject") if resources is not None else None
    if xobjects is None:
        return False
    return any(x.get_object().get("/Subtype") == "/Image" for x in xobjects.get_object().values())


def _needs_ocr(page: PageObject, text: str) -> bool:
    area = float(page.mediabox.width) * float(page.mediabox.height) / POINTS_PER_INCH**2
    return not text or (len(text) < area * SPARSE_CHARS_PER_SQUARE_INCH and _has_image(page))


def _text_layer(path: Path) -> tuple[list[str], list[bool]]:
    """Each page's extracted text, and whether the page should be read by OCR."""
    try:
        reader = PdfReader(path)
        if reader.is_encrypted and not reader.decrypt(""):
            raise RejectedFileError(
                "the PDF is encrypted (password-protected); remove the password"
            )
        check_pages(len(reader.pages))
        texts = [(page.extract_text() or "").strip() for page in reader.pages]
        scanned = [_needs_ocr(page, text) for page, text in zip(reader.pages, texts, strict=True)]
    except LimitReachedError as exc:
        raise RejectedFileError(
            f"the PDF decompresses to more than its reader allows (a decompression bomb?): {exc}"
        ) from exc
    except (FileNotDecryptedError, NotImplementedError) as exc:
        raise RejectedFileError(f"the PDF is encrypted and cannot be read: {exc}") from exc
    except (PdfReadError, PyPdfError, ValueError, KeyError, TypeError, OSError) as exc:
        raise RejectedFileError(f"the PDF is damaged and cannot be read: {exc}") from exc
    return texts, scanned


def _ocr_pages(path: Path, numbers: list[int], settings: OcrSettings) -> dict[int, Passage]:
    """Render the given pages (1-based) within the pixel cap and read them by OCR."""
    found: dict[int, Passage] = {}
    try:
        document = pypdfium2.PdfDocument(str(path))
    except pypdfium2.PdfiumError as exc:
        raise RejectedFileError(f"the PDF's pages cannot be rendered for OCR: {exc}") from exc
    try:
        for number in numbers:
            page = document[number - 1]
            width, height = page.get_size()
            scale = settings.dpi / POINTS_PER_INCH
            scale = min(scale, math.sqrt(settings.max_pixels / max(width * height, 1.0)))
            image = page.render(scale=scale, grayscale=True).to_pil()
            read = read_image(image, settings, number)
            if read.text.strip():
                found[number] = ocr_passage(read, number, settings)
    except pypdfium2.PdfiumError as exc:
        raise RejectedFileError(f"the PDF's pages cannot be rendered for OCR: {exc}") from exc
    finally:
        document.close()
    return found


def parse_pdf(path: Path, settings: OcrSettings) -> ParsedDocument:
    """Keep each page's text layer; OCR the pages with none (or a scan and too little text)."""
    texts, scanned = _text_layer(path)
    sparse = [number for number, scan in enumerate(scanned, start=1) if scan]
    if len(sparse) > settings.max_pages:
        raise RejectedFileError(
            f"the PDF has {len(sparse)} pages without a text layer, over the OCR limit of "
            f"{settings.max_pages} (ASSAY_OCR__MAX_PAGES)"
        )
    read = _ocr_pages(path, sparse, settings) if sparse else {}
    passages = []
    for number, text in enumerate(texts, start=1):
        ocr = read.get(number)
        if ocr is not None and len(ocr.text) > len(text):
            passages.append(ocr)
        elif text:
            passages.append(Passage(text=text, page=number))
    if not passages:
        raise RejectedFileError("the PDF has no text layer and OCR found no text on its pages")
    return ParsedDocument(doc_type=DocumentType.PDF, passages=tuple(passages), pages=len(texts))
