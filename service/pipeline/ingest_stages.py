"""The ingestion stages, in order: validate, parse, chunk, then (in ingest.py) index and record."""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from filelock import FileLock

from service.components.parsers import ParseLimits, detect_type, parse_bounded
from service.domain.evidence import DocumentType, ParsedDocument, Passage
from service.errors import FileTooLargeError, RejectedFileError
from service.settings import IngestSettings, OcrSettings


@dataclass(frozen=True)
class ValidatedFile:
    """Stage 1: a readable file of a supported type, within the limits, with its hash."""

    path: Path
    doc_type: DocumentType
    size: int
    sha256: str


@dataclass(frozen=True)
class ChunkedFile:
    """Stages 2-3: the parsed document and its chunks."""

    parsed: ParsedDocument
    chunks: list[Passage]


def validate(path: Path, limits: IngestSettings) -> ValidatedFile:
    """Check existence, size and type before anything is parsed."""
    if not path.exists():
        raise RejectedFileError("the path does not exist")
    if not path.is_file():
        raise RejectedFileError("the path is not a regular file")
    size = path.stat().st_size
    if size == 0:
        raise RejectedFileError("the file is empty")
    if size > limits.max_file_bytes:
        raise FileTooLargeError(
            f"the file is {size:,} bytes, over the limit of {limits.max_file_bytes:,} bytes "
            "(ASSAY_INGEST__MAX_FILE_BYTES)"
        )
    doc_type = detect_type(path)
    with path.open("rb") as handle:
        sha256 = hashlib.file_digest(handle, "sha256").hexdigest()
    return ValidatedFile(path=path, doc_type=doc_type, size=size, sha256=sha256)


def parse_limits(limits: IngestSettings) -> ParseLimits:
    """The parsing worker's limits, from the ingest settings."""
    return ParseLimits(
        seconds=limits.parse_seconds,
        memory_bytes=limits.parse_memory_bytes,
        max_unpacked_bytes=limits.max_unpacked_bytes,
        max_compression_ratio=limits.max_compression_ratio,
        max_pages=limits.max_pages,
        max_rows=limits.max_rows,
        max_cells=limits.max_cells,
        max_chars=limits.max_chars,
        max_depth=limits.max_depth,
    )


def parse_and_chunk(
    file: ValidatedFile, limits: IngestSettings, ocr: OcrSettings | None = None
) -> ChunkedFile:
    """Parse with provenance (scans by OCR), then chunk at headings, in a bounded worker."""
    parsed, chunks = parse_bounded(
        file.path, file.doc_type, parse_limits(limits), limits.chunk_chars, limits.chunk_overlap,
        ocr or OcrSettings(),
    )
    if not chunks:
        raise RejectedFileError("the file contains no text to index")
    return ChunkedFile(parsed=parsed, chunks=chunks)


def original_name(file: ValidatedFile) -> str:
    """The original's file name in the store: its content hash and suffix."""
    return f"{file.sha256}{file.path.suffix.lower()}"


def originals_lock(originals: Path) -> FileLock:
    """The lock of the shared originals store (across processes on this data dir).

    Originals are shared by content hash across workspaces: writing one and committing the
    row that refers to it happen under this lock, and so do counting a file's references and
    unlinking it, so a delete never removes a file that a row is about to refer to.
    """
    originals.mkdir(parents=True, exist_ok=True)
    return FileLock(originals.parent / f"{originals.name}.lock")  # beside it, not among them


def store_original(file: ValidatedFile, originals: Path) -> Path:
    """Keep the original bytes, content-addressed, written atomically; returns its path.

    Written every time, even when present (a delete may have unlinked it since this ingest
    began); call it under ``originals_lock`` and commit the row that refers to it before
    letting the lock go.
    """
    originals.mkdir(parents=True, exist_ok=True)
    target = originals / original_name(file)
    handle, temporary = tempfile.mkstemp(dir=originals, prefix=".incoming-")
    os.close(handle)
    shutil.copyfile(file.path, temporary)
    os.replace(temporary, target)
    return target
