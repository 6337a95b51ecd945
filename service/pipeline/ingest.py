"""Ingestion: validate ▸ parse ▸ chunk ▸ hash/dedupe ▸ index ▸ record, per file."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from service.components.parsers import split_sentences
from service.db import DocumentRow, Session
from service.db.documents import find_document, get_document
from service.db.tables import utcnow
from service.db.workspaces import get_or_create_workspace, get_workspace
from service.domain.evidence import Chunk, DateSource, Passage, Sentence
from service.errors import RejectedFileError
from service.pipeline.audit import SYSTEM_ACTOR, record, workspace_target
from service.pipeline.context import PipelineContext
from service.pipeline.evidence_kind import TABULAR, classify_document, kind_from_content
from service.pipeline.ingest_stages import (
    ChunkedFile,
    ValidatedFile,
    parse_and_chunk,
    store_original,
    validate,
)
from service.pipeline.record_dates import (
    chunk_dates,
    find_dates,
    name_dates,
    table_header,
    unique,
)
from service.pipeline.screening import is_injection

Status = Literal["indexed", "unchanged", "rejected"]
ORIGINALS = "originals"


@dataclass(frozen=True)
class IngestOutcome:
    """What happened to one file."""

    path: str
    document: str
    status: Status
    document_id: str | None = None
    chunks: int = 0
    error: str | None = None


def expand_paths(paths: list[Path]) -> Iterator[tuple[Path, str]]:
    """Each file with its display name: relative to a folder given, or its own name."""
    for path in paths:
        if path.is_dir():
            for found in sorted(path.rglob("*")):
                relative = found.relative_to(path)
                if found.is_file() and not any(p.startswith(".") for p in relative.parts):
                    yield found, relative.as_posix()
        else:
            yield path, path.name


def build_chunks(
    workspace: str, document_id: str, name: str, file: ValidatedFile, chunked: ChunkedFile
) -> list[Chunk]:
    """The indexed chunks, each tagged with its evidence kind and its dates, and screened.

    A chunk's dates are its own text's, then its document's: the opening chunk's and the
    file name's, so that a record's later pages keep the date its header gives.
    """
    first = chunked.chunks[0]
    title = first.headings[0] if first.headings else first.text.split("\n", 1)[0]
    document_kind = classify_document(name, title, file.doc_type)
    opening = unique([*find_dates(f"{first.heading}\n{first.text}", DateSource.DOCUMENT),
                      *name_dates(name)])
    headers = [None, *(table_header(piece.text) for piece in chunked.chunks[:-1])]
    return [
        Chunk(
            chunk_id=f"{document_id}:{file.sha256[:12]}:{index:05d}",
            workspace=workspace,
            document_id=document_id,
            document=name,
            index=index,
            text=piece.text,
            page=piece.page,
            heading=piece.heading,
            kind=document_kind or kind_from_content(piece.text),
            screened=is_injection(piece.text),
            ocr_confidence=piece.ocr_confidence,
            ocr_low=piece.ocr_low,
            dates=chunk_dates(piece.heading, piece.text, opening, headers[index]),
        )
        for index, piece in enumerate(chunked.chunks)
    ]


def embedding_text(chunk: Passage) -> str:
    """What is embedded: the heading path gives a chunk its context."""
    return f"{chunk.heading}\n{chunk.text}" if chunk.headings else chunk.text


class Ingestor:
    """Ingests files into one workspace of the pipeline's stores."""

    def __init__(
        self, context: PipelineContext, workspace: str, actor: str = SYSTEM_ACTOR
    ) -> None:
        self._context = context
        self._workspace = workspace
        self._actor = actor
        self._originals = context.settings.data_dir / ORIGINALS

    def ingest(self, path: Path, display_name: str) -> IngestOutcome:
        """Run the stages on one file; a rejection leaves everything stored as it was."""
        limits = self._context.settings.ingest
        try:
            validated = validate(path, limits)
            with self._context.sessions() as session:
                workspace = get_workspace(session, self._workspace)
                existing = None if workspace is None else find_document(
                    session, workspace.id, display_name
                )
            if existing is not None and existing.content_hash == validated.sha256:
                return IngestOutcome(
                    str(path), display_name, "unchanged", existing.id, existing.chunks
                )
            # parsing and embedding are slow: no database connection is held meanwhile
            chunked = parse_and_chunk(validated, limits, self._context.settings.ocr)
            document_id = existing.id if existing else str(uuid.uuid4())
            self._index(document_id, display_name, validated, chunked)
            with self._context.sessions() as session:
                workspace = get_or_create_workspace(session, self._workspace)
                stored = get_document(session, workspace.id, document_id)
                self._record(
                    session, workspace.id, stored, document_id, display_name, validated, chunked
                )
                session.commit()
        except RejectedFileError as error:
            return IngestOutcome(str(path), display_name, "rejected", error=error.message)
        return IngestOutcome(str(path), display_name, "indexed", document_id, len(chunked.chunks))

    def _index(
        self, document_id: str, name: str, file: ValidatedFile, chunked: ChunkedFile
    ) -> None:
        chunks = build_chunks(self._workspace, document_id, name, file, chunked)
        sentences = [
            Sentence(
                sentence_id=f"{chunk.chunk_id}:s{n:03d}",
                chunk_id=chunk.chunk_id,
                document_id=document_id,
                text=text,
            )
            for chunk in chunks
            if not chunk.screened
            for n, text in enumerate(
                split_sentences(chunk.text, prose=file.doc_type not in TABULAR)
            )
        ]
        # Chunks and sentences are embedded apart: in one call, the short sentences batched
        # with the long chunks were padded to a chunk's length (ingest took 2.5x the raw time).
        embed = self._context.embedder.embed
        store = self._context.store
        store.add(self._workspace, chunks, embed([embedding_text(p) for p in chunked.chunks]))
        store.add_sentences(self._workspace, sentences, embed([s.text for s in sentences]))
        store.delete_document(self._workspace, document_id, keep={c.chunk_id for c in chunks})

    def _record(
        self,
        session: Session,
        workspace_id: int,
        existing: DocumentRow | None,
        document_id: str,
        name: str,
        file: ValidatedFile,
        chunked: ChunkedFile,
    ) -> None:
        before = document_facts(existing) if existing else None
        stored = store_original(file, self._originals).name
        row = existing or DocumentRow(id=document_id, workspace_id=workspace_id, display_name=name)
        row.source_path = str(file.path.resolve())
        row.content_hash = file.sha256
        row.size_bytes = file.size
        row.doc_type = file.doc_type.value
        row.stored_path = stored
        row.pages = chunked.parsed.pages
        row.chunks = len(chunked.chunks)
        row.updated_at = utcnow()
        session.add(row)
        record(
            session, self._actor, "document.replaced" if existing else "document.indexed",
            workspace_target(self._workspace, f"document:{document_id}"),
            before, document_facts(row),
        )


def document_facts(row: DocumentRow) -> dict[str, object]:
    """What the audit log keeps of a document: its name, content hash and size."""
    return {"document": row.display_name, "sha256": row.content_hash,
            "size": row.size_bytes, "chunks": row.chunks}
