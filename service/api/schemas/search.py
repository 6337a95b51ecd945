"""Semantic search and evidence retrieval in a workspace."""

from __future__ import annotations

from pydantic import BaseModel, Field

from service.domain.evidence import EvidenceKind
from service.pipeline.search import MAX_K


class SearchCreate(BaseModel):
    """A search: the text to look for and how many chunks to return."""

    text: str = Field(min_length=1, max_length=2000)
    k: int = Field(default=5, ge=1, le=MAX_K)


class SearchHitPublic(BaseModel):
    """A chunk found, with its relevance in [0, 1] and, for a scan, how well OCR read it."""

    chunk_id: str
    document: str
    page: int | None
    heading: str
    score: float
    text: str
    ocr: bool = Field(description="the text was read from an image (a scan, a screenshot) "
                      "by OCR")
    ocr_confidence: float | None = Field(
        description="Tesseract's mean word confidence (0-100) when read by OCR, else null")
    ocr_low: bool = Field(description="read by OCR with a confidence below "
                          "ocr.low_confidence: check the page image")


class SearchResults(BaseModel):
    """The chunks found, best first."""

    results: list[SearchHitPublic]


class RetrieveCreate(BaseModel):
    """Which requirements to find evidence for: some refs, or ``all`` assessable ones."""

    framework: str = Field(min_length=1, max_length=100)
    requirements: list[str] = Field(default=[], max_length=200)
    all: bool = False
    k: int = Field(default=8, ge=1, le=50)


class RequirementRef(BaseModel):
    """A requirement's ref and title."""

    ref_id: str
    title: str


class EvidencePublic(SearchHitPublic):
    """A retrieved chunk: also what kind of evidence it is, and whether it counts as one."""

    kind: EvidenceKind
    below_floor: bool = Field(
        default=False, description="under the relevance floor: shown as related (fewer than "
        "k chunks reached it), not evidence; no level reads it")


class RetrievalPublic(BaseModel):
    """The evidence above the relevance floor for one requirement, then related chunks."""

    requirement: RequirementRef
    evidence: list[EvidencePublic]


class RetrieveResults(BaseModel):
    """Evidence per requirement."""

    results: list[RetrievalPublic]
