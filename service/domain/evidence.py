"""Evidence as it moves through ingestion: parsed passages, chunks and search hits."""

from __future__ import annotations

import calendar
from datetime import date
from enum import StrEnum

from pydantic import BaseModel, ConfigDict

HEADING_SEPARATOR = " > "


class DocumentType(StrEnum):
    """The file types Assay parses."""

    PDF = "pdf"
    DOCX = "docx"
    MARKDOWN = "markdown"
    HTML = "html"
    TEXT = "text"
    XLSX = "xlsx"
    CSV = "csv"
    IMAGE = "image"


class EvidenceKind(StrEnum):
    """What a passage shows: what should happen (policy, procedure) or what did (record)."""

    POLICY = "policy"
    PROCEDURE = "procedure"
    RECORD = "record"


class DatePrecision(StrEnum):
    """How much of a date the text gave: the day, or only the month."""

    DAY = "day"
    MONTH = "month"


class DateSource(StrEnum):
    """Where a date was read: the chunk's own text, its document's opening, its file name."""

    TEXT = "text"
    DOCUMENT = "document"
    NAME = "name"


class DatedMention(BaseModel):
    """A date read from evidence at ingest, with the words it was read from (its provenance).

    A month-only date ("March 2024") has ``value`` on the month's first day.
    """

    model_config = ConfigDict(frozen=True)

    value: date
    precision: DatePrecision
    text: str
    source: DateSource

    @property
    def last_day(self) -> date:
        """The last day the mention can mean: the day itself, or the month's last day."""
        if self.precision is DatePrecision.DAY:
            return self.value
        days = calendar.monthrange(self.value.year, self.value.month)[1]
        return self.value.replace(day=days)

    @property
    def shown(self) -> str:
        """The date in words, as precise as the text was: '12 March 2024' or 'March 2024'."""
        month_year = f"{calendar.month_name[self.value.month]} {self.value.year}"
        return month_year if self.precision is DatePrecision.MONTH else (
            f"{self.value.day} {month_year}")


class Passage(BaseModel):
    """A stretch of a document's text with where it came from."""

    model_config = ConfigDict(frozen=True)

    text: str
    page: int | None = None
    headings: tuple[str, ...] = ()
    ocr_confidence: float | None = None
    """Mean Tesseract word confidence (0-100) when the text was read by OCR; None otherwise."""
    ocr_low: bool = False
    """OCR read this text with a confidence below the setting ``ocr.low_confidence``."""

    @property
    def heading(self) -> str:
        """The heading path joined for display, e.g. ``'Policy > 4. Access reviews'``."""
        return HEADING_SEPARATOR.join(self.headings)


class ParsedDocument(BaseModel):
    """A parser's result: the passages in document order, and the page count if paged."""

    model_config = ConfigDict(frozen=True)

    doc_type: DocumentType
    passages: tuple[Passage, ...]
    pages: int | None = None


class Chunk(BaseModel):
    """An indexed piece of a document, scoped to a workspace."""

    model_config = ConfigDict(frozen=True)

    chunk_id: str
    workspace: str
    document_id: str
    document: str
    index: int
    text: str
    page: int | None = None
    heading: str = ""
    kind: EvidenceKind = EvidenceKind.POLICY
    screened: bool = False
    ocr_confidence: float | None = None
    ocr_low: bool = False
    dates: tuple[DatedMention, ...] = ()
    """Dates read from the chunk's text, its document's opening and its file name."""

    @property
    def ocr(self) -> bool:
        """Whether this text was read from an image by OCR."""
        return self.ocr_confidence is not None


class Sentence(BaseModel):
    """A sentence of a chunk, embedded at ingest so that facet matching is arithmetic."""

    model_config = ConfigDict(frozen=True)

    sentence_id: str
    chunk_id: str
    document_id: str
    text: str


class SearchHit(BaseModel):
    """A chunk found by search, with a relevance score in [0, 1]."""

    model_config = ConfigDict(frozen=True)

    chunk: Chunk
    score: float


class Evidence(BaseModel):
    """A retrieved chunk with its relevance to a requirement, in [0, 1].

    ``record_date`` and ``stale`` are set by the freshness rule for records: a stale record
    is older than the requirement's review period as of the assessment's date. A
    ``below_floor`` chunk is only shown as related: it is under the relevance floor, so it
    is not evidence and no level reads it.
    """

    model_config = ConfigDict(frozen=True)

    chunk: Chunk
    score: float
    record_date: DatedMention | None = None
    stale: bool = False
    below_floor: bool = False

    @property
    def counts_as_record(self) -> bool:
        """Whether this evidence can show practice: a record, and not a stale one."""
        return self.chunk.kind == EvidenceKind.RECORD and not self.stale
