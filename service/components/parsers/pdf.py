"""PDF text extraction with pypdf, one passage per page."""

from __future__ import annotations

import logging
from pathlib import Path

from pypdf import PdfReader
from pypdf.errors import FileNotDecryptedError, LimitReachedError, PdfReadError, PyPdfError

from service.components.parsers.limits import check_pages
from service.domain.evidence import DocumentType, ParsedDocument, Passage
from service.errors import RejectedFileError

logging.getLogger("pypdf").setLevel(logging.ERROR)


def parse_pdf(path: Path) -> ParsedDocument:
    """Extract each page's text; refuse encrypted, damaged and text-less PDFs."""
    try:
        reader = PdfReader(path)
        if reader.is_encrypted and not reader.decrypt(""):
            raise RejectedFileError(
                "the PDF is encrypted (password-protected); remove the password"
            )
        check_pages(len(reader.pages))
        texts = [page.extract_text() or "" for page in reader.pages]
    except LimitReachedError as exc:
        raise RejectedFileError(
            f"the PDF decompresses to more than its reader allows (a decompression bomb?): {exc}"
        ) from exc
    except (FileNotDecryptedError, NotImplementedError) as exc:
        raise RejectedFileError(f"the PDF is encrypted and cannot be read: {exc}") from exc
    except (PdfReadError, PyPdfError, ValueError, KeyError, TypeError, OSError) as exc:
        raise RejectedFileError(f"the PDF is damaged and cannot be read: {exc}") from exc
    passages = tuple(
        Passage(text=text.strip(), page=number)
        for number, text in enumerate(texts, start=1)
        if text.strip()
    )
    if not passages:
        raise RejectedFileError("the PDF has no extractable text (a scan? OCR is not supported)")
    return ParsedDocument(doc_type=DocumentType.PDF, passages=passages, pages=len(texts))
