"""Builders of scanned evidence: text rendered to an image, tilted, speckled, as PNG or PDF."""

from __future__ import annotations

import random
import struct
import textwrap
import zlib
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont
from pypdf import PdfReader, PdfWriter

from tests.files import write_pdf

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
A4_AT_150_DPI = (1240, 1754)


def scan_image(text: str, tilt: float = 1.2, noise: float = 0.004, seed: int = 7) -> Image.Image:
    """A page of ``text`` as a scanner would see it: slightly rotated, with dust specks."""
    page = Image.new("L", A4_AT_150_DPI, 255)
    draw = ImageDraw.Draw(page)
    font = ImageFont.truetype(FONT, 28)
    y = 120
    for paragraph in text.split("\n"):
        for line in textwrap.wrap(paragraph, 60) or [""]:
            draw.text((110, y), line, fill=20, font=font)
            y += 42
    rng = random.Random(seed)
    width, height = page.size
    for _ in range(int(width * height * noise)):
        page.putpixel((rng.randrange(width), rng.randrange(height)), rng.randrange(0, 120))
    return page.rotate(tilt, resample=Image.Resampling.BICUBIC, fillcolor=255)


def write_scanned_png(path: Path, text: str) -> Path:
    """A screenshot-like PNG of one page of text."""
    scan_image(text).save(path)
    return path


def write_scanned_pdf(path: Path, pages: list[str]) -> Path:
    """An image-only PDF (no text layer), one scanned page per string."""
    images = [scan_image(text, tilt=1.2 - 2 * index) for index, text in enumerate(pages)]
    images[0].save(path, "PDF", resolution=150.0, save_all=True, append_images=images[1:])
    return path


def write_huge_png_header(path: Path, side: int = 20_000) -> Path:
    """A PNG whose header claims ``side`` x ``side`` pixels (its data is a few bytes)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", side, side, 8, 0, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 64)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", idat)
                     + chunk(b"IEND", b""))
    return path


def write_mixed_pdf(path: Path, text_page: str, scanned_page: str) -> Path:
    """A PDF whose first page has a text layer and whose second is a scan."""
    typed = write_pdf(path.with_suffix(".typed.pdf"), [text_page])
    scanned = write_scanned_pdf(path.with_suffix(".scanned.pdf"), [scanned_page])
    writer = PdfWriter()
    for source in (typed, scanned):
        for page in PdfReader(source).pages:
            writer.add_page(page)
    with path.open("wb") as handle:
        writer.write(handle)
    typed.unlink()
    scanned.unlink()
    return path
