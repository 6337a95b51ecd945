"""Ingestion: validate ▸ claim ▸ parse ▸ chunk ▸ index ▸ show, per file (see ``Ingestor``)."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Literal

from service.components.parsers import split_sentences
from service.db import DocumentRow
from service.db.documents import (
    document_exists,
    find_document,
    held_document,
    insert_pending,
    release_lease,
    take_lease,
)
from service.db.tables import PENDING, READY, utcnow
from service.db.workspaces import get_or_create_workspace
from service.domain.document import SUPERSEDED
from service.domain.evidence import Chunk, DateSource, Sentence
from service.domain.visibility import chunk_id
from service.errors import ConflictError, RejectedFileError
from service.pipeline.audit import SYSTEM_ACTOR, record, workspace_target
from service.pipeline.context import PipelineContext
from service.pipeline.evidence_kind import TABULAR, classify_document, kind_from_content
from service.pipeline.ingest_lease import BeingIngestedError, LeaseKeeper, lease_until, new_holder
from service.pipeline.ingest_stages import (
    ChunkedFile,
    ValidatedFile,
    original_name,
    originals_lock,
    parse_and_chunk,
    store_original,
    validate,
)
from service.pipeline.ingest_vectors import (
    VectorPlan,
    chunk_vectors,
    embedded_text,
    plan_vectors,
    sentence_vectors,
    stored_vectors,
)
from service.pipeline.originals import ORIGINALS, drop_original
from service.pipeline.record_dates import (
    chunk_dates,
    find_dates,
    name_dates,
    table_header,
    unique,
)
from service.pipeline.screening import is_injection
from service.pipeline.versions import forget_version, keep_if_cited, settle_chunks

Status = Literal["indexed", "unchanged", "rejected"]
GROUP_CHUNKS = 256  # files of an upload are embedded together up to about this many chunks
logger = logging.getLogger(__name__)


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
            chunk_id=chunk_id(document_id, file.sha256, index),
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


@dataclass(frozen=True)
class Claim:
    """A document this ingest holds the lease on; ``keep`` is its ready version's chunks."""

    document_id: str
    holder: str
    keep: frozenset[str]


@dataclass(frozen=True)
class Parsed:
    """A claimed file, parsed and chunked, waiting for its group's vectors."""

    claim: Claim
    name: str
    file: ValidatedFile
    chunked: ChunkedFile


def ready_chunk_ids(row: DocumentRow) -> frozenset[str]:
    """The chunk ids of the version a ready row shows (none for a pending row)."""
    if row.state != READY:
        return frozenset()
    return frozenset(chunk_id(row.id, row.content_hash, n) for n in range(row.chunks))


class Ingestor:
    """Ingests files into one workspace of the pipeline's stores.

    The transaction story of one file: the document row is written first (pending, or the
    ready row being replaced) with a lease this process renews; then its chunks go to the
    store under a new version that nothing shows; then, in one commit, the row becomes ready
    with that version; then the old version's chunks go and the lease is given back. On any
    failure the new version's chunks are removed, and a pending row too; a kill leaves a
    lease that expires, and the start-up reconcile clears what it held. ``ingest_all`` runs
    the same story for many files, each under its own lease, embedding them in groups.
    """

    def __init__(
        self, context: PipelineContext, workspace: str, actor: str = SYSTEM_ACTOR
    ) -> None:
        self._context = context
        self._workspace = workspace
        self._actor = actor
        self._originals = context.settings.data_dir / ORIGINALS

    def ingest(self, path: Path, display_name: str) -> IngestOutcome:
        """Run the stages on one file; a rejection leaves everything stored as it was.

        BeingIngestedError (409) if another upload of the same name holds the document.
        """
        with ExitStack() as leases:
            parsed = self._parse(path, display_name, leases)
            if isinstance(parsed, IngestOutcome):
                return parsed
            return self._index_group([parsed])[0]

    def ingest_all(self, files: Iterable[tuple[Path, str]]) -> Iterator[IngestOutcome]:
        """Ingest many files, one outcome each, in order; a file's rejection spares the others.

        Files are parsed one by one and embedded in groups of about ``GROUP_CHUNKS`` chunks,
        two model calls per group (fewer, fuller batches than two calls per file); each
        file holds its lease from its claim until it is shown. Outcomes come group by group
        (at once while nothing waits to be embedded). A file another upload holds is
        rejected (BeingIngestedError's message).
        """
        pending: list[IngestOutcome | Parsed] = []
        with ExitStack() as leases:
            for path, name in files:
                try:
                    pending.append(self._parse(path, name, leases))
                except BeingIngestedError as error:
                    pending.append(IngestOutcome(str(path), name, "rejected",
                                                 error=error.message))
                except BaseException:
                    self._abandon_all(pending)
                    raise
                chunks = sum(len(p.chunked.chunks) for p in pending if isinstance(p, Parsed))
                if chunks == 0 or chunks >= GROUP_CHUNKS:  # nothing to embed yet: report now
                    yield from self._index_pending(pending)
                    pending = []
                    leases.close()
            yield from self._index_pending(pending)

    def _index_pending(self, pending: list[IngestOutcome | Parsed]) -> list[IngestOutcome]:
        """The outcomes of ``pending`` in order, its parsed files indexed as one group."""
        group = [p for p in pending if isinstance(p, Parsed)]
        indexed = iter(self._index_group(group) if group else [])
        return [p if isinstance(p, IngestOutcome) else next(indexed) for p in pending]

    def _parse(self, path: Path, name: str, leases: ExitStack) -> IngestOutcome | Parsed:
        """Validate, claim (its lease kept by ``leases``) and parse one file.

        An outcome if there is nothing more to do (unchanged, or rejected: then nothing
        stored has changed).
        """
        limits = self._context.settings.ingest
        try:
            validated = validate(path, limits)
            claim = self._claim(name, validated)
            if isinstance(claim, IngestOutcome):
                return claim
            leases.enter_context(LeaseKeeper(self._context.sessions, claim.document_id,
                                             claim.holder, limits.lease_seconds))
            try:
                # parsing and embedding are slow: no database connection is held meanwhile
                chunked = parse_and_chunk(validated, limits, self._context.settings.ocr)
            except BaseException:
                self._abandon(claim)
                raise
        except RejectedFileError as error:
            return IngestOutcome(str(path), name, "rejected", error=error.message)
        return Parsed(claim, name, validated, chunked)

    def _index_group(self, group: list[Parsed]) -> list[IngestOutcome]:
        """Embed and store the group's files together, then show each; outcomes in order.

        Their chunks are embedded and stored (under versions nothing shows), then their
        sentences; any failure abandons every file not yet shown, and is raised.
        """
        embedder, store = self._context.embedder, self._context.store
        outcomes: list[IngestOutcome] = []
        try:
            built = [self._build(parsed) for parsed in group]
            plans = [plan for _, _, plan in built]
            for (chunks, _, _), vectors in zip(built, chunk_vectors(embedder, plans),
                                               strict=True):
                store.add(self._workspace, chunks, vectors)
            for parsed, (chunks, sentences, _), vectors in zip(
                    group, built, sentence_vectors(embedder, plans), strict=True):
                store.add_sentences(self._workspace, sentences, vectors)
                self._finish(parsed.claim, parsed.name, parsed.file, parsed.chunked, chunks)
                outcomes.append(IngestOutcome(str(parsed.file.path), parsed.name, "indexed",
                                              parsed.claim.document_id, len(chunks)))
        except BaseException:
            self._abandon_all(group[len(outcomes):])
            raise
        return outcomes

    def _abandon_all(self, pending: Iterable[IngestOutcome | Parsed]) -> None:
        """Abandon the claims of the parsed files among ``pending``."""
        for parsed in pending:
            if isinstance(parsed, Parsed):
                self._abandon(parsed.claim)

    def _claim(self, name: str, file: ValidatedFile) -> Claim | IngestOutcome:
        """Write the pending row, or lease the ready one; "unchanged" if there is nothing to do."""
        holder = new_holder()
        seconds = self._context.settings.ingest.lease_seconds
        for _attempt in range(2):
            with self._context.sessions() as session:
                workspace = get_or_create_workspace(session, self._workspace)
                existing = find_document(session, workspace.id, name)
                now = utcnow()
                if existing is None:
                    row = self._pending_row(workspace.id, name, file, holder, lease_until(seconds))
                    if not insert_pending(session, row):
                        continue  # another upload wrote its row first: look again
                    return Claim(row.id, holder, frozenset())
                if (existing.state == READY and existing.lease_holder is None
                        and existing.content_hash == file.sha256):
                    return IngestOutcome(
                        str(file.path), name, "unchanged", existing.id, existing.chunks)
                claim = Claim(existing.id, holder, ready_chunk_ids(existing))
                if not take_lease(session, existing.id, holder, now, lease_until(seconds, now)):
                    raise BeingIngestedError(name)
                session.commit()
            # an expired holder may have left chunks of its own version: they go first
            settle_chunks(self._context, self._workspace, claim.document_id, set(claim.keep))
            return claim
        raise BeingIngestedError(name)

    def _pending_row(
        self, workspace_id: int, name: str, file: ValidatedFile, holder: str, until: datetime
    ) -> DocumentRow:
        return DocumentRow(
            id=str(uuid.uuid4()), workspace_id=workspace_id, display_name=name, state=PENDING,
            lease_holder=holder, lease_expires_at=until, source_path=str(file.path.resolve()),
            content_hash=file.sha256, size_bytes=file.size, doc_type=file.doc_type.value,
            stored_path=original_name(file), chunks=0,
        )

    def _build(self, parsed: Parsed) -> tuple[list[Chunk], list[Sentence], VectorPlan]:
        """The file's chunks and sentences, and which vectors the replaced version gives."""
        chunks = build_chunks(self._workspace, parsed.claim.document_id, parsed.name,
                              parsed.file, parsed.chunked)
        prose = parsed.file.doc_type not in TABULAR
        sentences = [
            [] if chunk.screened else [
                Sentence(sentence_id=f"{chunk.chunk_id}:s{n:03d}", chunk_id=chunk.chunk_id,
                         document_id=parsed.claim.document_id, text=text)
                for n, text in enumerate(split_sentences(chunk.text, prose=prose))
            ]
            for chunk in chunks
        ]
        stored = stored_vectors(self._context, self._workspace, parsed.claim.keep)
        texts = [embedded_text(p.heading, p.text) for p in parsed.chunked.chunks]
        return chunks, [s for row in sentences for s in row], plan_vectors(texts, sentences,
                                                                            stored)

    def _finish(
        self, claim: Claim, name: str, file: ValidatedFile, chunked: ChunkedFile,
        chunks: list[Chunk],
    ) -> None:
        """Show the new version (one commit), then drop the old one's chunks and the lease.

        The old version is kept in the same commit if reviewed or signed proposals cite it;
        otherwise its chunks go, and its original unless another document uses it.
        """
        with originals_lock(self._originals), self._context.sessions() as session:
            store_original(file, self._originals)
            row = held_document(session, claim.document_id, claim.holder)
            if row is None:
                raise ConflictError(f"{name}: the ingest lost its lease on the document "
                                    "(it took longer than ASSAY_INGEST__LEASE_SECONDS to renew)")
            replaced = row.state == READY
            before = document_facts(row) if replaced else None
            old_original = (row.stored_path, row.content_hash) if replaced else None
            if replaced and keep_if_cited(session, row, SUPERSEDED, row.version + 1):
                old_original = None
            forget_version(session, row.id, file.sha256)
            if replaced:
                row.version += 1
            row.state = READY
            row.source_path = str(file.path.resolve())
            row.content_hash = file.sha256
            row.size_bytes = file.size
            row.doc_type = file.doc_type.value
            row.stored_path = original_name(file)
            row.pages = chunked.parsed.pages
            row.chunks = len(chunked.chunks)
            row.updated_at = utcnow()
            record(
                session, self._actor, "document.replaced" if before else "document.indexed",
                workspace_target(self._workspace, f"document:{claim.document_id}"),
                before, document_facts(row),
            )
            session.commit()
        settle_chunks(self._context, self._workspace, claim.document_id,
                      {c.chunk_id for c in chunks})
        if old_original is not None and old_original[0] != original_name(file):
            drop_original(self._context, *old_original)
        with self._context.sessions() as session:
            release_lease(session, claim.document_id, claim.holder)
            session.commit()

    def _abandon(self, claim: Claim) -> None:
        """Remove what this ingest wrote: its version's chunks, and the row if it was new.

        Nothing is touched while the lease is someone else's (a row gone for good, though,
        takes all its chunks along); if this fails too, the lease expires and the reconcile
        clears it.
        """
        try:
            with self._context.sessions() as session:
                row = held_document(session, claim.document_id, claim.holder)
                if row is None and document_exists(session, claim.document_id):
                    return
                keep = frozenset() if row is None else ready_chunk_ids(row)
            settle_chunks(self._context, self._workspace, claim.document_id, set(keep))
            with self._context.sessions() as session:
                row = held_document(session, claim.document_id, claim.holder)
                if row is not None and row.state == PENDING:
                    session.delete(row)
                elif row is not None:
                    release_lease(session, claim.document_id, claim.holder)
                session.commit()
        except Exception:
            logger.warning("cleaning up the failed ingest of %s failed; the reconcile will",
                           claim.document_id, exc_info=True)


def document_facts(row: DocumentRow) -> dict[str, object]:
    """What the audit log keeps of a document: its name, version, content hash and size."""
    return {"document": row.display_name, "version": row.version, "sha256": row.content_hash,
            "size": row.size_bytes, "chunks": row.chunks}
