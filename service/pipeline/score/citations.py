"""Citations from findings, and the checks every citation must pass."""

from __future__ import annotations

import re

from service.domain.assessment import Citation, FacetFinding
from service.domain.evidence import Evidence

SPACE = re.compile(r"\s+")


def normalise(text: str) -> str:
    """Whitespace folded to single spaces, for quote comparison."""
    return SPACE.sub(" ", text).strip()


def quote_in(quote: str, text: str) -> bool:
    """True when the quote appears verbatim in the text, whitespace aside."""
    return bool(quote.strip()) and normalise(quote) in normalise(text)


def citations_for(findings: tuple[FacetFinding, ...], evidence: list[Evidence]) -> list[Citation]:
    """One citation per distinct quoted sentence, with its chunk's provenance."""
    chunks = {e.chunk.chunk_id: e.chunk for e in evidence}
    seen: set[tuple[str, str]] = set()
    citations = []
    for finding in findings:
        if finding.quote is None or finding.chunk_id is None:
            continue
        key = (finding.chunk_id, finding.quote)
        chunk = chunks.get(finding.chunk_id)
        if key in seen or chunk is None:
            continue
        seen.add(key)
        citations.append(Citation(chunk_id=chunk.chunk_id, document=chunk.document,
                                  page=chunk.page, heading=chunk.heading, quote=finding.quote))
    return citations


def citation_problems(findings: tuple[FacetFinding, ...], evidence: list[Evidence]) -> list[str]:
    """Why any finding's citation fails: a chunk not retrieved, or a quote not in its chunk."""
    chunks = {e.chunk.chunk_id: e.chunk for e in evidence}
    problems = []
    for finding in findings:
        if finding.quote is None:
            continue
        chunk = chunks.get(finding.chunk_id or "")
        if chunk is None:
            problems.append(f"{finding.id}: cites {finding.chunk_id}, which was not retrieved")
        elif not quote_in(finding.quote, chunk.text):
            problems.append(f"{finding.id}: the quote is not in chunk {finding.chunk_id}")
    return problems
