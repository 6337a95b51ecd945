"""PNG, JPEG and TIFF evidence (screenshots, photographed forms): sized up, then OCR'd."""

from __future__ import annotations

import re
import warnings
from pathlib import Path

from PIL import Image, ImageSequence, UnidentifiedImageError

from service.components.parsers.ocr import ocr_passage, read_image
from service.domain.evidence import DocumentType, ParsedDocument, Passage
from service.errors import RejectedFileError
from service.settings import OcrSettings

BOMB_PIXELS = re.compile(r"\((\d+) pixels\)")


def _too_large(pixels: str, settings: OcrSettings) -> RejectedFileError:
    return RejectedFileError(
        f"the image is {pixels} pixels, over the limit of {settings.max_pixels:,} pixels "
        "(ASSAY_OCR__MAX_PIXELS)"
    )


def check_size(image: Image.Image, settings: OcrSettings) -> None:
    """Refuse an image larger than the pixel cap, from its header, before it is decoded."""
    width, height = image.size
    if width * height > settings.max_pixels:
        raise _too_large(f"{width:,} x {height:,}", settings)


def parse_image(path: Path, settings: OcrSettings) -> ParsedDocument:
    """OCR each frame of an image file (a multi-page TIFF has several) as a page."""
    passages: list[Passage] = []
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(path)  # reads the header only
        with image:
            frames = getattr(image, "n_frames", 1)
            if frames > settings.max_pages:
                raise RejectedFileError(
                    f"the image has {frames} pages, over the OCR limit of "
                    f"{settings.max_pages} (ASSAY_OCR__MAX_PAGES)"
                )
            for number, frame in enumerate(ImageSequence.Iterator(image), start=1):
                check_size(frame, settings)
                found = read_image(frame, settings, number)
                if found.text.strip():
                    passages.append(ocr_passage(found, number, settings))
    except Image.DecompressionBombError as exc:
        counted = BOMB_PIXELS.search(str(exc))
        raise _too_large(f"{int(counted.group(1)):,}" if counted else "too many", settings) from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise RejectedFileError(f"the image is damaged and cannot be read: {exc}") from exc
    if not passages:
        raise RejectedFileError("OCR found no text in the image")
    return ParsedDocument(doc_type=DocumentType.IMAGE, passages=tuple(passages), pages=frames)
