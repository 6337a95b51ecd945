"""OCR benchmark: pages per second for scanned PDF pages and for screenshots, on this machine.

Run from the repository root: `.venv/bin/python -m bench.ocr` (`make bench` does).
Prints a Markdown table. The pages are generated (text rendered, tilted, speckled), as in tests.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from service.components.parsers import detect_type, parse_document
from service.settings import Settings
from tests.scans import write_scanned_pdf, write_scanned_png

PAGES = 5
PARAGRAPH = (
    "Line clearance for lot {n} on packaging line 2 was completed and checked by the shift "
    "supervisor. All materials of the previous lot were removed, the line was cleaned and the "
    "printer was set to the new batch number. Deviations found during the clearance were "
    "recorded in the quality system and closed by quality assurance before release. "
)


def page_text(number: int) -> str:
    """About a page of record text (some 1,500 characters)."""
    return "\n".join(PARAGRAPH.format(n=3380 + number + k) for k in range(4))


def timed(paths: list[Path], settings: Settings) -> tuple[int, float, float]:
    """Pages read, seconds taken and mean confidence, parsing ``paths`` one after another."""
    pages, confidences = 0, []
    start = time.perf_counter()
    for path in paths:
        parsed = parse_document(path, detect_type(path), settings.ocr)
        pages += parsed.pages or 1
        confidences += [p.ocr_confidence or 0.0 for p in parsed.passages]
    return pages, time.perf_counter() - start, sum(confidences) / max(len(confidences), 1)


def main() -> None:
    settings = Settings()
    folder = Path(tempfile.mkdtemp(prefix="assay-bench-ocr-"))
    scans = [write_scanned_pdf(folder / "scan.pdf", [page_text(n) for n in range(PAGES)])]
    shots = [write_scanned_png(folder / f"shot{n}.png", page_text(n)) for n in range(PAGES)]
    print(f"OCR at {settings.ocr.dpi} dpi, languages {settings.ocr.languages}\n")
    print("| input | pages | seconds | pages/s | mean confidence |")
    print("|---|---:|---:|---:|---:|")
    for name, paths in (("scanned PDF (tilted, speckled)", scans),
                        ("PNG page (tilted, speckled)", shots)):
        pages, seconds, confidence = timed(paths, settings)
        print(f"| {name} | {pages} | {seconds:.1f} | {pages / seconds:.2f} | {confidence:.0f} |")


if __name__ == "__main__":
    main()
