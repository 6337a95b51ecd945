"""The passages a proposal cites, each shown whole with its quoted sentences marked."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

from service.domain.assessment import Proposal
from service.domain.document import DocumentVersion
from service.domain.evidence import Chunk
from service.pipeline.context import PipelineContext
from service.pipeline.documents import cited_versions
from service.web.highlight import Segment, highlight


@dataclass(frozen=True)
class CitedPassage:
    """One cited chunk: where it is, its text in segments, and a link to the original file."""

    chunk_id: str
    document: str
    page: int | None
    heading: str
    kind: str
    segments: list[Segment]
    original_url: str | None
    ocr_confidence: float | None = None
    ocr_low: bool = False
    page_image_url: str | None = None
    version_note: str = ""


def page_image_url(workspace: str, chunk: Chunk) -> str | None:
    """The image of the page an OCR'd passage was read from; None for born-digital text."""
    if not chunk.ocr or chunk.page is None:
        return None
    return f"/w/{workspace}/documents/{quote(chunk.document_id, safe='')}/pages/{chunk.page}"


@dataclass(frozen=True)
class PassageSource:
    """Where a stored passage's original opens, and what a reader is told of its version."""

    original_url: str
    page_image_url: str | None
    version_note: str


def passage_source(workspace: str, chunk: Chunk, kept: DocumentVersion | None) -> PassageSource:
    """The current original, or a kept version's ("superseded on DATE by version N")."""
    document_id = chunk.document_id if kept is None else kept.document_id
    url = f"/w/{workspace}/documents/{quote(document_id, safe='')}/original"
    if kept is not None:
        url += f"?version={kept.version}"
    if chunk.page is not None:
        url += f"#page={chunk.page}"
    if kept is None:
        return PassageSource(url, page_image_url(workspace, chunk), "")
    return PassageSource(url, None, kept.note)


def _quotes_by_chunk(proposal: Proposal) -> dict[str, list[str]]:
    quotes: dict[str, list[str]] = {}
    for citation in proposal.citations:
        quotes.setdefault(citation.chunk_id, []).append(citation.quote)
    for facet in proposal.facets:
        if facet.chunk_id and facet.quote:
            quotes.setdefault(facet.chunk_id, []).append(facet.quote)
    return quotes


def cited_passages(context: PipelineContext, workspace: str,
                   proposal: Proposal) -> list[CitedPassage]:
    """Every chunk the proposal quotes, in citation order; a chunk since deleted shows its quote."""
    quotes = _quotes_by_chunk(proposal)
    if not quotes:
        return []
    stored = {chunk.chunk_id: chunk for chunk in context.store.chunks(workspace, list(quotes))}
    kept = cited_versions(context, workspace, list(stored))
    passages = []
    for citation in {c.chunk_id: c for c in proposal.citations}.values():
        chunk = stored.get(citation.chunk_id)
        if chunk is None:
            passages.append(CitedPassage(
                chunk_id=citation.chunk_id, document=citation.document, page=citation.page,
                heading=citation.heading, kind="", original_url=None,
                segments=[Segment(citation.quote, marked=True)]))
            continue
        source = passage_source(workspace, chunk, kept.get(chunk.chunk_id))
        passages.append(CitedPassage(
            chunk_id=chunk.chunk_id, document=chunk.document, page=chunk.page,
            heading=chunk.heading, kind=chunk.kind.value, original_url=source.original_url,
            segments=highlight(chunk.text, quotes[chunk.chunk_id]),
            ocr_confidence=chunk.ocr_confidence, ocr_low=chunk.ocr_low,
            page_image_url=source.page_image_url, version_note=source.version_note))
    return passages
