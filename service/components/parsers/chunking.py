"""Structure-aware chunking: passages are split on their own, never across headings or pages."""

from __future__ import annotations

from langchain_text_splitters import RecursiveCharacterTextSplitter

from service.domain.evidence import Passage


def chunk_passages(passages: tuple[Passage, ...], size: int, overlap: int) -> list[Passage]:
    """Split long passages into pieces of about ``size`` characters, keeping provenance."""
    splitter = RecursiveCharacterTextSplitter(
        chunk_size=size, chunk_overlap=min(overlap, size // 2), keep_separator="end"
    )
    pieces: list[Passage] = []
    for passage in passages:
        texts = [passage.text] if len(passage.text) <= size else splitter.split_text(passage.text)
        pieces.extend(
            passage.model_copy(update={"text": text.strip()})
            for text in texts
            if text.strip()
        )
    return pieces
