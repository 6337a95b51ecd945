"""One page of a stored scan (a PDF page or an image frame) as a PNG a browser can show.

A reviewer compares what OCR read with the page itself; the page is rendered no larger
than ``max_side`` pixels on its longer side. The file is untrusted, so the rendering runs
in the bounded parser worker (``render_page_bounded``).
"""

from __future__ import annotations

import io
import warnings
from pathlib import Path

import pypdfium2
from PIL import Image, ImageSequence, UnidentifiedImageError

from service.components.parsers.limits import ParseLimits
from service.components.parsers.worker import run_bounded
from service.domain.evidence import DocumentType
from service.errors import RejectedFileError

POINTS_PER_INCH = 72.0


def _png(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, "PNG", optimize=True)
    return out.getvalue()


def _pdf_page(path: Path, page: int, max_side: int) -> bytes:
    document = pypdfium2.PdfDocument(str(path))
    try:
        if not 1 <= page <= len(document):
            raise RejectedFileError(f"the PDF has no page {page}")
        width, height = document[page - 1].get_size()
        scale = max_side / max(width, height, 1.0)
        return _png(document[page - 1].render(scale=scale).to_pil())
    finally:
        document.close()


def _image_frame(path: Path, page: int, max_side: int) -> bytes:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        image = Image.open(path)
    with image:
        for number, frame in enumerate(ImageSequence.Iterator(image), start=1):
            if number == page:
                shown = frame.convert("RGB") if frame.mode not in ("L", "RGB") else frame.copy()
                shown.thumbnail((max_side, max_side))
                return _png(shown)
    raise RejectedFileError(f"the image has no page {page}")


def render_page(path: Path, doc_type: DocumentType, page: int, max_side: int) -> bytes:
    """Page ``page`` (1-based) of a PDF or an image file as PNG bytes, at most ``max_side``."""
    try:
        if doc_type == DocumentType.PDF:
            return _pdf_page(path, page, max_side)
        if doc_type == DocumentType.IMAGE:
            return _image_frame(path, page, max_side)
    except pypdfium2.PdfiumError as exc:
        raise RejectedFileError(f"the PDF page cannot be rendered: {exc}") from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise RejectedFileError(f"the image cannot be read: {exc}") from exc
    raise RejectedFileError(f"a {doc_type.value} file has no page images")


def render_page_bounded(path: Path, doc_type: DocumentType, page: int, max_side: int,
                        limits: ParseLimits) -> bytes:
    """``render_page`` in the bounded worker: a hostile file costs only the child."""
    return run_bounded(render_page, (path, doc_type, page, max_side), limits,
                       f"{doc_type.value.upper()} page")
