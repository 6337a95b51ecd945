"""Streamed uploads: a multipart body written to disk in chunks, its size checked as it comes.

The one upload path of the API and the web pages. The body is never held in memory or
spooled before the check: the first byte over ``ingest.max_file_bytes`` ends the upload
with 413. The file keeps its client-given name, made safe by ``safe_name``.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import time
import uuid
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Protocol

from python_multipart.exceptions import MultipartParseError
from python_multipart.multipart import MultipartParser, parse_options_header

from service.errors import FileTooLargeError, InvalidInputError, TooManyRequestsError

FIELD = "file"
UPLOADS = "uploads"  # the data dir's folder of uploads being received or ingested
STALE_UPLOAD_SECONDS = 24 * 3600  # an upload folder this old belongs to no live work
ENVELOPE_BYTES = 64 * 1024  # room for the multipart headers and boundaries
UNSAFE = re.compile(r"[\x00-\x1f\x7f]")


class StreamedRequest(Protocol):
    """What is read of a request: its headers and its body as it arrives (Starlette's)."""

    @property
    def headers(self) -> Mapping[str, str]:
        """The request headers."""
        ...

    def stream(self) -> AsyncIterator[bytes]:
        """The body, chunk by chunk."""
        ...


@dataclass(frozen=True)
class ReceivedFile:
    """An uploaded file on disk, under its client-given (sanitised) name."""

    path: Path
    name: str
    size: int


def safe_name(raw: str) -> str:
    """The file name without any directory part or control characters; 422 if nothing is left."""
    name = UNSAFE.sub("", raw.replace("\\", "/").rsplit("/", 1)[-1]).strip()
    if name in ("", ".", "..") or len(name) > 255:
        raise InvalidInputError(f"the uploaded file needs a usable file name, not {raw!r}")
    return name


def upload_folder(data_dir: Path, user: str, limit: int) -> Path:
    """A new folder for one upload of ``user``; 429 if ``limit`` of theirs are pending.

    Each upload keeps its folder until its ingest ends (a background job's too), so the
    user's folders count what is being received or waits to be ingested, in every process
    that shares the data dir. The folder is made first and counted after, so that two
    uploads at once can never both pass the limit.
    """
    uploads = data_dir / UPLOADS
    owner = hashlib.sha256(user.encode()).hexdigest()[:16]
    folder = uploads / f"{owner}-{uuid.uuid4().hex}"
    folder.mkdir(parents=True)
    if sum(1 for _ in uploads.glob(f"{owner}-*")) > limit:
        shutil.rmtree(folder, ignore_errors=True)
        raise TooManyRequestsError(
            f"you have {limit} uploads waiting to be ingested, the most allowed "
            "(ASSAY_API__MAX_PENDING_UPLOADS); upload more when one of them has finished")
    return folder


def sweep_uploads(data_dir: Path, older_than: float = STALE_UPLOAD_SECONDS) -> int:
    """Remove upload folders left by work that died (older than ``older_than`` seconds)."""
    removed, cutoff = 0, time.time() - older_than
    for folder in (data_dir / UPLOADS).glob("*"):
        if folder.is_dir() and folder.stat().st_mtime < cutoff:
            shutil.rmtree(folder, ignore_errors=True)
            removed += 1
    return removed


class _Receiver:
    """Multipart callbacks that write the ``file`` part into a folder, counting its bytes."""

    def __init__(self, folder: Path, max_bytes: int) -> None:
        self._folder = folder
        self._max_bytes = max_bytes
        self._headers: dict[str, str] = {}
        self._field = self._value = b""
        self._sink: BinaryIO | None = None
        self.received: ReceivedFile | None = None
        self._size = 0

    def part_begin(self) -> None:
        self._headers, self._sink = {}, None

    def header_field(self, data: bytes, start: int, end: int) -> None:
        self._field += data[start:end]

    def header_value(self, data: bytes, start: int, end: int) -> None:
        self._value += data[start:end]

    def header_end(self) -> None:
        field = self._field.decode("latin-1").lower()
        self._headers[field] = self._value.decode("utf-8", "replace")
        self._field = self._value = b""

    def headers_finished(self) -> None:
        _kind, options = parse_options_header(self._headers.get("content-disposition", ""))
        if options.get(b"name") != FIELD.encode() or self.received is not None:
            return
        name = safe_name(options.get(b"filename", b"").decode("utf-8", "replace"))
        self._folder.mkdir(parents=True, exist_ok=True)
        path = self._folder / name
        self._sink = path.open("wb")
        self.received = ReceivedFile(path=path, name=name, size=0)

    def part_data(self, data: bytes, start: int, end: int) -> None:
        if self._sink is None:
            return
        self._size += end - start
        if self._size > self._max_bytes:
            raise FileTooLargeError(
                f"the upload is over the limit of {self._max_bytes:,} bytes "
                "(ASSAY_INGEST__MAX_FILE_BYTES)")
        self._sink.write(data[start:end])

    def part_end(self) -> None:
        if self._sink is not None and self.received is not None:
            self._sink.close()
            self._sink = None
            self.received = ReceivedFile(self.received.path, self.received.name, self._size)

    def close(self) -> None:
        if self._sink is not None:
            self._sink.close()


def _boundary(request: StreamedRequest) -> bytes:
    kind, options = parse_options_header(request.headers.get("content-type", ""))
    if kind != b"multipart/form-data" or not options.get(b"boundary"):
        raise InvalidInputError("an upload must be multipart/form-data with a 'file' part")
    return options[b"boundary"]


async def receive_upload(
    request: StreamedRequest, folder: Path, max_bytes: int
) -> ReceivedFile:
    """Stream the request's ``file`` part into ``folder``; 413 as soon as it is too large."""
    boundary = _boundary(request)
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes + ENVELOPE_BYTES:
        raise FileTooLargeError(
            f"the upload is {int(declared):,} bytes, over the limit of {max_bytes:,} bytes "
            "(ASSAY_INGEST__MAX_FILE_BYTES)")
    receiver = _Receiver(folder, max_bytes)
    parser = MultipartParser(boundary, {
        "on_part_begin": receiver.part_begin, "on_header_field": receiver.header_field,
        "on_header_value": receiver.header_value, "on_header_end": receiver.header_end,
        "on_headers_finished": receiver.headers_finished, "on_part_data": receiver.part_data,
        "on_part_end": receiver.part_end,
    })
    try:
        try:
            async for chunk in request.stream():
                parser.write(chunk)
            parser.finalize()
        except MultipartParseError as error:
            raise InvalidInputError(f"the multipart body is malformed: {error}") from None
        finally:
            receiver.close()
        if receiver.received is None:
            raise InvalidInputError("the upload has no 'file' part")
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return receiver.received
