"""The caps a parser enforces while it reads one file, set by the worker that runs it."""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass

from service.errors import FileTooLargeError, RejectedFileError

MIB = 1024 * 1024


@dataclass(frozen=True)
class ParseLimits:
    """How much one file may cost to parse: time and memory of its worker, and its size.

    The defaults mirror ``IngestSettings``; the pipeline builds this from the settings.
    """

    seconds: float = 30.0
    memory_bytes: int = 2 * 1024 * MIB
    max_unpacked_bytes: int = 200 * MIB
    max_compression_ratio: int = 200
    max_pages: int = 5000
    max_rows: int = 200_000
    max_cells: int = 5_000_000
    max_chars: int = 20_000_000
    max_depth: int = 200
    extra_cpu_seconds: float = 0.0  # OCR's budget: its pages' wall time comes as grants


_CURRENT: ContextVar[ParseLimits] = ContextVar("parse_limits", default=ParseLimits())  # noqa: B039


def current_limits() -> ParseLimits:
    """The limits of the parse running in this process (the defaults outside a worker)."""
    return _CURRENT.get()


def use_limits(limits: ParseLimits) -> None:
    """Make ``limits`` the ones parsers read in this process (the worker calls it first)."""
    _CURRENT.set(limits)


_GRANT: ContextVar[Callable[[float], None] | None] = ContextVar("time_grant", default=None)


def use_time_grants(grant: Callable[[float], None]) -> None:
    """How this process asks its parent for more wall-clock time (the worker sets it)."""
    _GRANT.set(grant)


def allow_more_time(seconds: float) -> None:
    """Ask for ``seconds`` more: a step with a budget of its own (an OCR page) is starting.

    Outside a worker this does nothing; inside, the parent moves its deadline.
    """
    grant = _GRANT.get()
    if grant is not None:
        grant(seconds)


def check_pages(pages: int) -> None:
    """Refuse a document with more pages than the cap."""
    cap = current_limits().max_pages
    if pages > cap:
        raise FileTooLargeError(
            f"it has {pages:,} pages, over the limit of {cap:,} (ASSAY_INGEST__MAX_PAGES)"
        )


class Budget:
    """Counts rows and cells as a parser reads them, refusing the file past a cap."""

    def __init__(self) -> None:
        self._limits = current_limits()
        self.cells = 0

    def row(self, number: int, width: int, where: str) -> None:
        """Account for row ``number`` (1-based, counting empty rows) of ``width`` cells."""
        if number > self._limits.max_rows:
            raise FileTooLargeError(
                f"{where} goes past row {self._limits.max_rows:,}, the limit "
                "(ASSAY_INGEST__MAX_ROWS)"
            )
        self.cells += width
        if self.cells > self._limits.max_cells:
            raise FileTooLargeError(
                f"it has more than {self._limits.max_cells:,} cells, the limit "
                "(ASSAY_INGEST__MAX_CELLS)"
            )


def check_depth(depth: int) -> None:
    """Refuse markup nested deeper than the cap."""
    cap = current_limits().max_depth
    if depth > cap:
        raise RejectedFileError(
            f"its elements are nested more than {cap} deep (ASSAY_INGEST__MAX_DEPTH)"
        )


def check_chars(chars: int) -> None:
    """Refuse a document whose text is longer than the cap."""
    cap = current_limits().max_chars
    if chars > cap:
        raise FileTooLargeError(
            f"it holds {chars:,} characters of text, over the limit of {cap:,} "
            "(ASSAY_INGEST__MAX_CHARS)"
        )
