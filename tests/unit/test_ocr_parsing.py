"""Scans through the parsers: real Tesseract on generated scans, and the bounds around it."""

from __future__ import annotations

from pathlib import Path

import pytesseract
import pytest

from service.components.parsers import detect_type, parse_document
from service.domain.evidence import DocumentType
from service.errors import RejectedFileError
from service.settings import OcrSettings
from service.web.render import templates
from tests.files import write_pdf
from tests.scans import write_huge_png_header, write_mixed_pdf, write_scanned_pdf, write_scanned_png

MFA = "Multi-factor authentication is enforced for all administrators and remote access."


def parse(path: Path, settings: OcrSettings | None = None):  # type: ignore[no-untyped-def]
    return parse_document(path, detect_type(path), settings or OcrSettings())


def test_a_screenshot_is_evidence_with_its_confidence(tmp_path: Path) -> None:
    png = write_scanned_png(tmp_path / "idp_settings.png", MFA)
    assert detect_type(png) == DocumentType.IMAGE
    [passage] = parse(png).passages
    assert "enforced for all administrators" in " ".join(passage.text.split())
    assert passage.page == 1
    assert passage.ocr_confidence is not None and passage.ocr_confidence > 60
    assert not passage.ocr_low
    flagged = parse(png, OcrSettings(low_confidence=100)).passages[0]
    assert flagged.ocr_low


def test_text_named_png_is_refused(tmp_path: Path) -> None:
    fake = tmp_path / "shot.png"
    fake.write_text("not an image at all")
    with pytest.raises(RejectedFileError, match="does not match"):
        detect_type(fake)


def test_a_mixed_pdf_keeps_its_text_layer_and_reads_only_the_scan(tmp_path: Path) -> None:
    pdf = write_mixed_pdf(tmp_path / "mixed.pdf",
                          "Backups of the LIMS database run every night at two o'clock.", MFA)
    typed, scanned = parse(pdf).passages
    assert (typed.page, typed.ocr_confidence) == (1, None)
    assert "LIMS database run every night" in typed.text
    assert scanned.page == 2 and scanned.ocr_confidence is not None
    assert "remote access" in " ".join(scanned.text.split())


def test_a_short_text_page_without_images_is_not_read_by_ocr(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pytesseract.pytesseract, "tesseract_cmd", str(tmp_path / "no-tesseract"))
    [passage] = parse(write_pdf(tmp_path / "short.pdf", ["Appendix A"])).passages
    assert (passage.text, passage.ocr_confidence) == ("Appendix A", None)


def test_a_20000_pixel_square_image_is_refused_from_its_header(tmp_path: Path) -> None:
    huge = write_huge_png_header(tmp_path / "huge.png")
    with pytest.raises(RejectedFileError, match=r"400,000,000 pixels.*ASSAY_OCR__MAX_PIXELS"):
        parse(huge)
    with pytest.raises(RejectedFileError, match=r"400,000,000 pixels"):
        parse(huge, OcrSettings(max_pixels=89_000_000))


def test_the_page_cap_refuses_before_reading(tmp_path: Path) -> None:
    pdf = write_scanned_pdf(tmp_path / "scan.pdf", ["First page.", "Second page."])
    with pytest.raises(RejectedFileError, match=r"2 pages without a text layer.*MAX_PAGES"):
        parse(pdf, OcrSettings(max_pages=1))


def test_a_page_over_its_time_budget_is_refused(tmp_path: Path) -> None:
    png = write_scanned_png(tmp_path / "slow.png", MFA)
    with pytest.raises(RejectedFileError, match=r"longer than 0.01 s.*PAGE_TIMEOUT"):
        parse(png, OcrSettings(page_timeout=0.01))


def test_without_tesseract_a_scan_is_refused_naming_the_package(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pytesseract.pytesseract, "tesseract_cmd", str(tmp_path / "no-tesseract"))
    pdf = write_scanned_pdf(tmp_path / "scan.pdf", [MFA])
    with pytest.raises(RejectedFileError, match=r"not installed.*tesseract-ocr"):
        parse(pdf)


def test_a_missing_language_pack_is_named(tmp_path: Path) -> None:
    png = write_scanned_png(tmp_path / "shot.png", MFA)
    with pytest.raises(RejectedFileError, match=r"tesseract-ocr-xyz"):
        parse(png, OcrSettings(languages="xyz"))


def test_languages_are_a_plus_joined_list_of_codes() -> None:
    assert OcrSettings(languages="eng+deu").languages == "eng+deu"
    with pytest.raises(ValueError, match="languages"):
        OcrSettings(languages="eng; rm -rf /")


def test_the_badge_says_ocr_and_flags_low_confidence() -> None:
    badge = templates.get_template("_ocr_badge.html")
    assert "OCR 93%" in badge.render(confidence=92.6, low=False)
    assert "low confidence" in badge.render(confidence=41.0, low=True)
    assert badge.render(confidence=None, low=False).strip() == ""
