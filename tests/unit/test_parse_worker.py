"""The parsing worker: a parse that spins, allocates or crashes costs only its child process."""

from __future__ import annotations

import os
import signal
import sys
import time
import types
from pathlib import Path

import pytest

from service.components.parsers import ParseLimits, parse_bounded
from service.components.parsers.limits import current_limits
from service.components.parsers.worker import run_bounded
from service.domain.evidence import DocumentType
from service.errors import RejectedFileError

FAST = ParseLimits(seconds=2.0, memory_bytes=512 * 1024 * 1024)


def spin_on_cpu() -> str:
    while True:
        pass


def sleep_forever() -> str:
    while True:
        time.sleep(1)


def allocate_without_end() -> str:
    hoard = []
    while True:
        hoard.append(bytearray(50 * 1024 * 1024))


def crash() -> str:
    os.kill(os.getpid(), signal.SIGSEGV)
    return "unreachable"


def fail_unexpectedly() -> str:
    raise KeyError("/Root")


def the_limits() -> ParseLimits:
    return current_limits()


def test_a_parse_that_spins_is_killed_and_named_by_its_limit() -> None:
    with pytest.raises(RejectedFileError, match=r"took longer than 2 s to parse"):
        run_bounded(spin_on_cpu, (), FAST)


def test_a_parse_that_waits_is_stopped_by_the_wall_clock() -> None:
    with pytest.raises(RejectedFileError, match=r"took longer than 2 s to parse"):
        run_bounded(sleep_forever, (), FAST)


def test_a_parse_that_allocates_without_end_hits_the_memory_limit() -> None:
    with pytest.raises(RejectedFileError, match=r"more than 0.5 GiB of memory"):
        run_bounded(allocate_without_end, (), FAST)


def test_a_crash_is_a_rejection() -> None:
    with pytest.raises(RejectedFileError, match=r"crashed on it \(exit code -11\)"):
        run_bounded(crash, (), FAST)


def test_an_unexpected_parser_error_is_a_rejection_naming_it() -> None:
    with pytest.raises(RejectedFileError, match=r"the PDF cannot be read \(KeyError: '/Root'"):
        run_bounded(fail_unexpectedly, (), FAST, "PDF")


def test_the_child_parses_under_the_limits_it_was_given() -> None:
    assert run_bounded(the_limits, (), FAST) == FAST


def test_a_child_does_not_re_run_the_main_script(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Re-running the main script (the ``assay`` command, a bench) cost ~1 s per parse."""
    marker = tmp_path / "main-ran"
    script = tmp_path / "main_script.py"
    script.write_text(f"from pathlib import Path\nPath({str(marker)!r}).touch()\n")
    main = types.ModuleType("__main__")
    main.__file__ = str(script)
    monkeypatch.setitem(sys.modules, "__main__", main)
    assert run_bounded(the_limits, (), FAST) == FAST
    assert not marker.exists()


def test_a_good_file_comes_back_parsed_and_chunked(tmp_path: Path) -> None:
    path = tmp_path / "policy.md"
    path.write_text("# Backups\n\nBackups are restored as a test every quarter.\n")
    parsed, chunks = parse_bounded(path, DocumentType.MARKDOWN, FAST, 1000, 150)
    assert parsed.passages[0].headings == ("Backups",)
    assert [chunk.text for chunk in chunks] == ["Backups are restored as a test every quarter."]


def test_the_character_cap_rejects_a_long_text(tmp_path: Path) -> None:
    path = tmp_path / "long.txt"
    path.write_text("word " * 1000)
    with pytest.raises(RejectedFileError, match=r"4,999 characters of text, over the limit of 4"):
        parse_bounded(path, DocumentType.TEXT, ParseLimits(max_chars=4000), 1000, 150)
