"""Run one parse in a child process bounded by CPU time, memory and wall-clock time.

A hostile file can make a parser spin, allocate without end or crash; in a child process
that costs only the child. The child is forked from a forkserver that has the parsers
imported, so a parse starts in milliseconds. Whatever the parse registered in
``PARSERS`` (an OCR parser too) runs here.

The child is started without the parent's ``__main__``: multiprocessing would otherwise
re-run the main script (the ``assay`` command, a bench) in every child, importing all it
imports, about 1 s per parse (the forkserver's ``__main__`` preload, which would avoid it,
does not work in Python 3.11).
"""

from __future__ import annotations

import dataclasses
import multiprocessing
import resource
import signal
import sys
import threading
import time
import traceback
import types
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any, TypeVar

from service.components.parsers.limits import (
    ParseLimits,
    check_chars,
    use_limits,
    use_time_grants,
)
from service.domain.evidence import DocumentType, ParsedDocument, Passage
from service.errors import RejectedFileError
from service.settings import OcrSettings

Parsed = tuple[ParsedDocument, list[Passage]]
T = TypeVar("T")
_PRELOAD = ["service.components.parsers"]
_STARTING = threading.Lock()


def _context() -> multiprocessing.context.BaseContext:
    if "forkserver" not in multiprocessing.get_all_start_methods():  # not on Windows/macOS
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(_PRELOAD)
    return context


@contextmanager
def _without_main() -> Iterator[None]:
    """Hide ``__main__`` while a child starts, so that the child does not re-run it.

    The child's target is importable by name and needs nothing of the main script.
    """
    with _STARTING:
        main = sys.modules["__main__"]
        sys.modules["__main__"] = types.ModuleType("__main__")
        try:
            yield
        finally:
            sys.modules["__main__"] = main


def _bound(limits: ParseLimits) -> None:
    seconds = max(1, round(limits.seconds + limits.extra_cpu_seconds))
    resource.setrlimit(resource.RLIMIT_CPU, (seconds, seconds + 1))
    resource.setrlimit(resource.RLIMIT_AS, (limits.memory_bytes, limits.memory_bytes))


def parse_and_chunk(
    path: Path, doc_type: DocumentType, chunk_chars: int, chunk_overlap: int,
    ocr: OcrSettings | None = None,
) -> Parsed:
    """Parse and chunk in this process (the worker's job), under ``current_limits()``."""
    from service.components.parsers import chunk_passages, parse_document

    parsed = parse_document(path, doc_type, ocr)
    check_chars(sum(len(passage.text) for passage in parsed.passages))
    return parsed, chunk_passages(parsed.passages, chunk_chars, chunk_overlap)


def _child(
    sender: Connection, target: Callable[..., object], args: tuple[Any, ...],
    limits: ParseLimits, label: str,
) -> None:
    _bound(limits)
    use_limits(limits)
    use_time_grants(lambda seconds: sender.send(("time", seconds)))
    result: tuple[bool, object]
    try:
        result = (True, target(*args))
    except RejectedFileError as error:
        result = (False, error)
    except MemoryError:
        result = (False, RejectedFileError(_memory_message(limits)))
    except RecursionError:
        result = (False, RejectedFileError("it is nested too deeply to parse"))
    except Exception as error:  # any parser failure on a hostile file is a rejection
        last = traceback.extract_tb(error.__traceback__)[-1]
        result = (False, RejectedFileError(
            f"the {label} cannot be read ({type(error).__name__}: "
            f"{str(error)[:200]} in {Path(last.filename).name})"
        ))
    try:
        sender.send(result)
    except MemoryError:
        sender.send((False, RejectedFileError(_memory_message(limits))))
    finally:
        sender.close()


def _memory_message(limits: ParseLimits) -> str:
    return (
        f"it needs more than {limits.memory_bytes / 1024**3:g} GiB of memory to parse "
        "(ASSAY_INGEST__PARSE_MEMORY_BYTES)"
    )


def _too_slow(limits: ParseLimits) -> RejectedFileError:
    return RejectedFileError(
        f"it took longer than {limits.seconds:g} s to parse (ASSAY_INGEST__PARSE_SECONDS)"
    )


def parse_bounded(
    path: Path, doc_type: DocumentType, limits: ParseLimits,
    chunk_chars: int, chunk_overlap: int, ocr: OcrSettings | None = None,
) -> Parsed:
    """Parse and chunk ``path`` in a bounded child process; any failure is a rejection.

    A format that may hold scans (PDF, images) gets OCR's own budget on top of the parse
    time: each page read by OCR asks for ``ocr.page_timeout`` more wall-clock time as it
    starts (Tesseract's own limit), for at most ``ocr.max_pages`` pages.
    """
    ocr = ocr or OcrSettings()
    if doc_type in (DocumentType.PDF, DocumentType.IMAGE):
        extra = ocr.page_timeout * ocr.max_pages
        limits = dataclasses.replace(limits, extra_cpu_seconds=extra)
    return run_bounded(
        parse_and_chunk, (path, doc_type, chunk_chars, chunk_overlap, ocr), limits,
        doc_type.value.upper(),
    )


def run_bounded(
    target: Callable[..., T], args: tuple[Any, ...], limits: ParseLimits, label: str = "file"
) -> T:
    """``target(*args)`` in a child process under ``limits``; a failure is a rejection.

    ``target`` must be importable by name (a module-level function). Its result comes back
    pickled; an exception it raises, a limit it exceeds or a crash is a ``RejectedFileError``
    whose message says why.
    """
    context = _context()
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(  # type: ignore[attr-defined]
        target=_child, args=(sender, target, args, limits, label), daemon=True
    )
    with _without_main():
        process.start()
    sender.close()
    result: tuple[bool, object] | None = None
    deadline = time.monotonic() + limits.seconds
    try:
        while result is None:
            if not receiver.poll(max(0.0, deadline - time.monotonic())):
                raise _too_slow(limits)
            try:
                message = receiver.recv()
            except EOFError:  # the child died without a word: a signal from a limit
                break
            if message[0] == "time":  # a step with its own budget started (an OCR page)
                deadline += float(message[1])
            else:
                result = message
    finally:
        if process.is_alive():
            process.join(1)
        if process.is_alive():
            process.kill()
        process.join()
        receiver.close()
    if result is not None:
        succeeded, value = result
        if succeeded:
            return value  # type: ignore[return-value]
        raise value  # type: ignore[misc]
    if process.exitcode in (-signal.SIGXCPU, -signal.SIGKILL):
        raise _too_slow(limits)
    raise RejectedFileError(
        f"the parser crashed on it (exit code {process.exitcode}); "
        f"it may need more than {limits.memory_bytes / 1024**3:g} GiB of memory"
    )
