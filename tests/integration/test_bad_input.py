"""Every bad-input class is rejected with a clear error, and nothing stored is harmed."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from service.pipeline.context import PipelineContext
from service.pipeline.ingest import Ingestor, expand_paths
from service.pipeline.search import search
from tests.conftest import ContextFactory
from tests.files import write_encrypted_pdf, write_pdf, write_zip_bomb_docx

pytestmark = pytest.mark.integration

GOOD = "Firewall rules are reviewed every six months by the network team."


def _corrupt_pdf(d: Path) -> Path:
    good = write_pdf(d / "tmp.pdf", ["Some text"])
    data = good.read_bytes()
    good.unlink()
    (d / "corrupt.pdf").write_bytes(data[: len(data) // 3])
    return d / "corrupt.pdf"


def _mislabelled(d: Path) -> Path:
    path = d / "report.pdf"
    path.write_text("This is plain text pretending to be a PDF.")
    return path


def _unsupported(d: Path) -> Path:
    path = d / "diagram.gif"
    path.write_bytes(b"GIF89a" + b"\x00" * 64)
    return path


def _damaged_image(d: Path) -> Path:
    path = d / "diagram.png"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
    return path


def _empty(d: Path) -> Path:
    (d / "empty.md").touch()
    return d / "empty.md"


def _oversized(d: Path) -> Path:
    path = d / "big.txt"
    path.write_text("word " * 2000)
    return path


CASES: dict[str, tuple[Callable[[Path], Path], str]] = {
    "corrupt pdf": (_corrupt_pdf, "damaged"),
    "encrypted pdf": (lambda d: write_encrypted_pdf(d / "locked.pdf", "secret"), "encrypted"),
    "empty file": (_empty, "empty"),
    "mislabelled": (_mislabelled, "does not match the extension"),
    "unsupported type": (_unsupported, "unsupported file type '.gif'"),
    "damaged image": (_damaged_image, "image is damaged"),
    "over the size limit": (_oversized, "over the limit"),
    "docx zip bomb": (lambda d: write_zip_bomb_docx(d / "bomb.docx"), "zip bomb"),
    "missing path": (lambda d: d / "nowhere.pdf", "does not exist"),
}


def _seeded(make_context: ContextFactory, tmp_path: Path, limit: int) -> PipelineContext:
    context = make_context(max_file_bytes=limit)
    good = tmp_path / "firewall.md"
    good.write_text(f"# Network\n\n{GOOD}\n")
    assert Ingestor(context, "default").ingest(good, "firewall.md").status == "indexed"
    return context


@pytest.mark.parametrize("case", list(CASES))
def test_bad_file_is_rejected_and_store_is_intact(
    case: str, make_context: ContextFactory, tmp_path: Path
) -> None:
    context = _seeded(make_context, tmp_path, 5000 if case == "over the size limit" else 10**7)
    make, expected = CASES[case]
    bad_dir = tmp_path / "bad"
    bad_dir.mkdir()
    path = make(bad_dir)
    outcome = Ingestor(context, "default").ingest(path, path.name)
    assert outcome.status == "rejected"
    assert outcome.error is not None and expected in outcome.error
    assert context.store.count("default") == 1
    assert search(context, "default", "firewall review", 1)[0].chunk.text == GOOD


def test_one_bad_file_does_not_stop_the_folder(
    make_context: ContextFactory, tmp_path: Path
) -> None:
    context = make_context()
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "a.md").write_text("# A\n\nAlpha policy text.\n")
    _corrupt_pdf(folder)
    (folder / "z.txt").write_text("Zulu procedure text.")
    ingestor = Ingestor(context, "default")
    statuses = {name: ingestor.ingest(p, name).status for p, name in expand_paths([folder])}
    assert statuses == {"a.md": "indexed", "corrupt.pdf": "rejected", "z.txt": "indexed"}


def test_a_changed_file_that_is_now_corrupt_keeps_the_old_version(
    make_context: ContextFactory, tmp_path: Path
) -> None:
    context = make_context()
    path = write_pdf(tmp_path / "policy.pdf", ["Encryption keys are rotated every year."])
    ingestor = Ingestor(context, "default")
    assert ingestor.ingest(path, "policy.pdf").status == "indexed"
    shutil.copy(_corrupt_pdf(tmp_path), path)
    assert ingestor.ingest(path, "policy.pdf").status == "rejected"
    hits = search(context, "default", "key rotation", 1)
    assert hits[0].chunk.text.startswith("Encryption keys are rotated")
