"""An upload of many files is embedded in groups: same vectors, same per-file outcomes."""

from __future__ import annotations

from pathlib import Path

import pytest

from service.components.embedding import FakeEmbedder, LocalEmbedder
from service.pipeline import ingest
from service.pipeline.context import PipelineContext
from service.pipeline.documents import workspace_documents
from service.pipeline.ingest import Ingestor
from tests.conftest import ContextFactory, CountingEmbedder

pytestmark = pytest.mark.integration

TEXTS = {
    "backup.md": "# Backups\n\nBackups run nightly and are kept for ninety days. Restores are "
                 "tested every quarter by the operations team.\n",
    "access.md": "# Access\n\nAccess rights are reviewed every six months by each system "
                 "owner. Leavers lose their accounts on their last working day.\n",
    "patching.md": "# Patching\n\nServers are patched within fourteen days of a vendor "
                   "release. Critical fixes are applied within two days.\n",
}


def folder(tmp_path: Path, texts: dict[str, str]) -> Path:
    root = tmp_path / "upload"
    root.mkdir()
    for name, text in texts.items():
        (root / name).write_text(text)
    return root


def files(root: Path) -> list[tuple[Path, str]]:
    return [(path, path.name) for path in sorted(root.iterdir())]


def test_a_group_is_embedded_in_two_calls_with_the_vectors_of_one_by_one(
    make_context: ContextFactory, real_embedder: LocalEmbedder, tmp_path: Path
) -> None:
    root = folder(tmp_path, TEXTS)
    counter = CountingEmbedder(real_embedder)
    grouped = make_context(embedder=counter, data_dir=tmp_path / "grouped")
    outcomes = list(Ingestor(grouped, "default").ingest_all(files(root)))
    assert [o.status for o in outcomes] == ["indexed"] * 3
    assert counter.calls == 2  # the chunks of all three files, then their sentences
    single = make_context(data_dir=tmp_path / "single")
    for path, name in files(root):
        Ingestor(single, "default").ingest(path, name)
    assert vectors(grouped).keys() == vectors(single).keys()
    for key, (chunk, sentences) in vectors(grouped).items():
        other_chunk, other_sentences = vectors(single)[key]
        assert cosine(chunk, other_chunk) > 0.9999
        assert len(sentences) == len(other_sentences) > 0
        assert all(cosine(a, b) > 0.9999 for a, b in zip(sentences, other_sentences, strict=True))


Vectors = tuple[list[float], list[list[float]]]


def vectors(context: PipelineContext) -> dict[tuple[str, int], Vectors]:
    """Each stored chunk's vector and its sentences' vectors, by document and position."""
    chunks = context.store.chunks("default")
    stored = context.store.chunk_vectors("default", [c.chunk_id for c in chunks])
    found: dict[tuple[str, int], Vectors] = {}
    for chunk in chunks:
        _, sentence_vectors = context.store.sentences("default", [chunk.chunk_id])
        found[chunk.document, chunk.index] = (stored[chunk.chunk_id], sentence_vectors)
    return found


def cosine(a: list[float], b: list[float]) -> float:
    return sum(x * y for x, y in zip(a, b, strict=True))


def test_files_past_the_group_size_start_a_new_group(
    make_context: ContextFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ingest, "GROUP_CHUNKS", 1)
    counter = CountingEmbedder(FakeEmbedder())
    context = make_context(embedder=counter)
    outcomes = list(Ingestor(context, "default").ingest_all(files(folder(tmp_path, TEXTS))))
    assert [o.status for o in outcomes] == ["indexed"] * 3
    assert counter.calls == 6


def test_a_rejected_file_spares_the_others_and_outcomes_keep_their_order(
    make_context: ContextFactory, tmp_path: Path
) -> None:
    root = folder(tmp_path, {**TEXTS, "b-empty.md": ""})
    context = make_context(embedder=FakeEmbedder())
    ingestor = Ingestor(context, "default")
    outcomes = list(ingestor.ingest_all(files(root)))
    assert [(o.document, o.status) for o in outcomes] == [
        ("access.md", "indexed"), ("b-empty.md", "rejected"), ("backup.md", "indexed"),
        ("patching.md", "indexed")]
    assert outcomes[1].error == "the file is empty"
    assert sorted(d.name for d in workspace_documents(context, "default")) == [
        "access.md", "backup.md", "patching.md"]
    again = [o.status for o in ingestor.ingest_all(files(root))]
    assert again == ["unchanged", "rejected", "unchanged", "unchanged"]


def test_files_with_nothing_to_embed_are_reported_at_once(
    make_context: ContextFactory, tmp_path: Path
) -> None:
    root = folder(tmp_path, TEXTS)
    context = make_context(embedder=FakeEmbedder())
    ingestor = Ingestor(context, "default")
    assert len(list(ingestor.ingest_all(files(root)))) == 3
    outcomes = ingestor.ingest_all(files(root))
    assert next(outcomes).status == "unchanged"  # before the other files are even read
    (root / "patching.md").unlink()
    assert [o.status for o in outcomes] == ["unchanged", "rejected"]
