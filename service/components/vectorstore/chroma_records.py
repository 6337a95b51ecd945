"""Conversions between domain objects and Chroma metadata (which cannot hold None)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import TypeAdapter

from service.domain.evidence import Chunk, DatedMention, EvidenceKind, Sentence

DATES = TypeAdapter(tuple[DatedMention, ...])


def chunk_metadata(chunk: Chunk) -> dict[str, str | int | float | bool]:
    """Provenance, kind, screening flag, OCR confidence and dates of a chunk, for Chroma.

    The dates are one JSON string: Chroma metadata holds scalars only.
    """
    meta: dict[str, str | int | float | bool] = {
        "workspace": chunk.workspace,
        "document_id": chunk.document_id,
        "document": chunk.document,
        "index": chunk.index,
        "heading": chunk.heading,
        "kind": chunk.kind.value,
        "screened": chunk.screened,
    }
    if chunk.page is not None:
        meta["page"] = chunk.page
    if chunk.ocr_confidence is not None:
        meta["ocr_confidence"] = chunk.ocr_confidence
        meta["ocr_low"] = chunk.ocr_low
    if chunk.dates:
        meta["dates"] = DATES.dump_json(chunk.dates).decode()
    return meta


def chunk_from_record(chunk_id: str, text: str, meta: Mapping[str, Any]) -> Chunk:
    """A chunk rebuilt from Chroma's id, document text and metadata."""
    page = meta.get("page")
    confidence = meta.get("ocr_confidence")
    return Chunk(
        chunk_id=chunk_id,
        workspace=str(meta["workspace"]),
        document_id=str(meta["document_id"]),
        document=str(meta["document"]),
        index=int(meta["index"]),
        text=text,
        page=int(page) if page is not None else None,
        heading=str(meta.get("heading", "")),
        kind=EvidenceKind(meta.get("kind", EvidenceKind.POLICY.value)),
        screened=bool(meta.get("screened", False)),
        ocr_confidence=float(confidence) if confidence is not None else None,
        ocr_low=bool(meta.get("ocr_low", False)),
        dates=DATES.validate_json(meta["dates"]) if meta.get("dates") else (),
    )


def sentence_metadata(sentence: Sentence) -> dict[str, str]:
    """The sentence's chunk and document, for Chroma."""
    return {"chunk_id": sentence.chunk_id, "document_id": sentence.document_id}


def sentence_from_record(sentence_id: str, text: str, meta: Mapping[str, Any]) -> Sentence:
    """A sentence rebuilt from Chroma's record."""
    return Sentence(
        sentence_id=sentence_id,
        chunk_id=str(meta["chunk_id"]),
        document_id=str(meta["document_id"]),
        text=text,
    )
