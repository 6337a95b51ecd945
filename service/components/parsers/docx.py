"""DOCX parsing with python-docx: heading styles become the heading path."""

from __future__ import annotations

import re
from pathlib import Path

import docx
from docx.table import Table
from docx.text.paragraph import Paragraph

from service.components.parsers.sections import SectionCollector
from service.domain.evidence import DocumentType, ParsedDocument
from service.errors import RejectedFileError

HEADING_STYLE = re.compile(r"^(?:Heading\s*(\d)|Title)$", re.IGNORECASE)


def _heading_level(paragraph: Paragraph) -> int | None:
    style = paragraph.style.name if paragraph.style is not None else ""
    match = HEADING_STYLE.match(style or "")
    if match is None:
        return None
    return int(match.group(1)) if match.group(1) else 0


def _table_text(table: Table) -> str:
    rows = []
    for row in table.rows:
        # a merged cell appears once per grid column: keep it once, but keep equal values
        # of distinct cells ("121 | 121")
        distinct = list({id(cell._tc): cell for cell in row.cells}.values())
        rows.append(" | ".join(c.text.strip() for c in distinct if c.text.strip()))
    return "\n".join(r for r in rows if r)


def parse_docx(path: Path) -> ParsedDocument:
    """Walk the body in order, grouping paragraphs and tables under their headings."""
    try:
        document = docx.Document(str(path))
        blocks = list(document.iter_inner_content())
    except Exception as exc:  # python-docx raises many types on damaged files
        raise RejectedFileError(f"the DOCX is damaged and cannot be read: {exc}") from exc
    sections = SectionCollector()
    for block in blocks:
        if isinstance(block, Table):
            sections.add_text(_table_text(block))
            continue
        level = _heading_level(block)
        if level is not None and block.text.strip():
            sections.open_heading(level, block.text.strip())
        else:
            sections.add_text(block.text)
    passages = sections.passages()
    if not passages:
        raise RejectedFileError("the DOCX contains no text")
    return ParsedDocument(doc_type=DocumentType.DOCX, passages=passages)
