"""Read text from an image with Tesseract (through pytesseract), with word confidences."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass

import pytesseract
from PIL import Image, ImageFilter

from service.components.parsers.limits import allow_more_time
from service.domain.evidence import Passage
from service.errors import RejectedFileError
from service.settings import OcrSettings

INSTALL_HINT = "install the Debian package tesseract-ocr (apt-get install tesseract-ocr)"
MISSING_LANGUAGE = re.compile(r"Failed loading language '([a-z_]+)'")
# A page read with less confidence than this is read again after a 3x3 median filter, which
# removes scanner speckle (measured on noisy scans: mean confidence 74 -> 95, words right) but
# erodes small screen text (11 px: 91 -> 29), so it is a retry, never the first pass.
RETRY_BELOW = 85.0
MIN_RETRY_SECONDS = 1.0


@dataclass(frozen=True)
class OcrText:
    """What Tesseract read on one page: lines in reading order and the mean word confidence."""

    text: str
    confidence: float


def _join_words(data: dict[str, list[object]]) -> OcrText:
    lines: dict[tuple[int, int, int], list[str]] = {}
    confidences: list[float] = []
    for i, word in enumerate(data["text"]):
        confidence = float(str(data["conf"][i]))
        if not str(word).strip() or confidence < 0:
            continue
        key = (int(str(data["block_num"][i])), int(str(data["par_num"][i])),
               int(str(data["line_num"][i])))
        lines.setdefault(key, []).append(str(word).strip())
        confidences.append(confidence)
    paragraphs: dict[tuple[int, int], list[str]] = {}
    for (block, paragraph, _), words in lines.items():
        paragraphs.setdefault((block, paragraph), []).append(" ".join(words))
    text = "\n\n".join("\n".join(p) for p in paragraphs.values())
    mean = sum(confidences) / len(confidences) if confidences else 0.0
    return OcrText(text=text, confidence=round(mean, 1))


def read_image(image: Image.Image, settings: OcrSettings, page: int) -> OcrText:
    """OCR one page image within the per-page time budget, despeckled if that reads better."""
    allow_more_time(settings.page_timeout)
    started = time.monotonic()
    gray = image.convert("L")
    found = _tesseract(gray, settings, page, settings.page_timeout)
    left = settings.page_timeout - (time.monotonic() - started)
    if found.confidence >= RETRY_BELOW or left < MIN_RETRY_SECONDS:
        return found
    despeckled = _tesseract(gray.filter(ImageFilter.MedianFilter(3)), settings, page, left)
    return despeckled if despeckled.confidence > found.confidence else found


def _tesseract(image: Image.Image, settings: OcrSettings, page: int, timeout: float) -> OcrText:
    """One Tesseract run; refuse with a reason (missing program or language, time out)."""
    try:
        data = pytesseract.image_to_data(
            image, lang=settings.languages,
            output_type=pytesseract.Output.DICT, timeout=timeout,
        )
    except pytesseract.TesseractNotFoundError as exc:
        raise RejectedFileError(
            f"page {page} is a scan and needs OCR, but Tesseract is not installed: {INSTALL_HINT}"
        ) from exc
    except pytesseract.TesseractError as exc:
        missing = MISSING_LANGUAGE.search(str(exc.message))
        if missing:
            raise RejectedFileError(
                f"the OCR language '{missing.group(1)}' is not installed: install the Debian "
                f"package tesseract-ocr-{missing.group(1)} (or change ASSAY_OCR__LANGUAGES)"
            ) from exc
        raise RejectedFileError(f"OCR failed on page {page}: {exc.message}") from exc
    except RuntimeError as exc:  # pytesseract's timeout
        raise RejectedFileError(
            f"page {page} took longer than {settings.page_timeout:g} s to read by OCR "
            "(ASSAY_OCR__PAGE_TIMEOUT)"
        ) from exc
    return _join_words(data)


def ocr_passage(found: OcrText, page: int, settings: OcrSettings) -> Passage:
    """A passage of OCR'd text that keeps its page and says how sure Tesseract was."""
    return Passage(
        text=found.text, page=page, ocr_confidence=found.confidence,
        ocr_low=found.confidence < settings.low_confidence,
    )
