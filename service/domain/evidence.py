"""Evidence as it moves through ingestion: parsed passages, chunks and search hits."""

from __future__ import annotations

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
    """A retrieved chunk with its relevance to a requirement, in [0, 1]."""

    model_config = ConfigDict(frozen=True)

    chunk: Chunk
    score: float
