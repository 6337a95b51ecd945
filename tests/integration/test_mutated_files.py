"""Property: a valid file of any format, with bytes flipped, cut or inserted, parses or is
rejected with a reason; nothing else (no traceback, no hang) comes out of the worker."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from service.components.parsers import ParseLimits, detect_type, parse_bounded
from service.errors import RejectedFileError
from tests.files import write_docx, write_pdf, write_xlsx

pytestmark = [pytest.mark.integration, pytest.mark.timeout(600)]
LIMITS = ParseLimits(seconds=10.0, memory_bytes=1024**3)
TEXT = "Backups are restored as a test every quarter by the IT team."


def _plain(name: str, body: str) -> Callable[[Path], Path]:
    def write(folder: Path) -> Path:
        (folder / name).write_text(body)
        return folder / name
    return write


VALID: dict[str, Callable[[Path], Path]] = {
    "pdf": lambda d: write_pdf(d / "v.pdf", [TEXT, TEXT]),
    "docx": lambda d: write_docx(d / "v.docx", [(1, "Backups", TEXT)]),
    "xlsx": lambda d: write_xlsx(d / "v.xlsx", "Controls", [["Control", "Test"], ["B", TEXT]]),
    "md": _plain("v.md", f"# Backups\n\n{TEXT}\n\n| a | b |\n|---|---|\n| 1 | 2 |\n"),
    "html": _plain("v.html", f"<html><body><h1>Backups</h1><p>{TEXT}</p></body></html>"),
    "txt": _plain("v.txt", TEXT),
    "csv": _plain("v.csv", f"control,test\nbackups,\"{TEXT}\"\n"),
}
_ORIGINALS: dict[str, bytes] = {}


def _original(kind: str) -> bytes:
    """The valid file's bytes (the keys of VALID are the file name endings)."""
    if kind not in _ORIGINALS:
        with tempfile.TemporaryDirectory() as folder:
            _ORIGINALS[kind] = VALID[kind](Path(folder)).read_bytes()
    return _ORIGINALS[kind]


edits = st.lists(
    st.tuples(st.sampled_from(["flip", "cut", "insert"]), st.floats(0, 1), st.binary(max_size=8)),
    min_size=1, max_size=6,
)


def _mutate(data: bytes, changes: list[tuple[str, float, bytes]]) -> bytes:
    for action, where, extra in changes:
        at = int(where * len(data))
        if action == "flip" and data:
            at = min(at, len(data) - 1)
            data = data[:at] + bytes([data[at] ^ 0xFF]) + data[at + 1:]
        elif action == "cut":
            data = data[:at]
        else:
            data = data[:at] + extra + data[at:]
    return data


@pytest.mark.parametrize("kind", list(VALID))
@settings(max_examples=12, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(changes=edits)
def test_a_mutated_file_parses_or_is_rejected(
    kind: str, changes: list[tuple[str, float, bytes]], tmp_path: Path
) -> None:
    path = tmp_path / f"mutated.{kind}"
    path.write_bytes(_mutate(_original(kind), changes))
    try:
        parsed, chunks = parse_bounded(path, detect_type(path), LIMITS, 1000, 150)
    except RejectedFileError as error:
        assert error.message
        return
    assert parsed.passages and all(chunk.text for chunk in chunks)
