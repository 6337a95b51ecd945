"""Re-ingest, replace and delete keep the index exact; workspaces never mix; models never mix."""

from __future__ import annotations

from pathlib import Path

import pytest

from service.components.embedding import FakeEmbedder, LocalEmbedder
from service.errors import ConflictError
from service.pipeline.documents import delete_document
from service.pipeline.ingest import Ingestor
from service.pipeline.search import search
from tests.conftest import ContextFactory, CountingEmbedder

pytestmark = pytest.mark.integration


def test_unchanged_file_is_not_embedded_again(
    make_context: ContextFactory, real_embedder: LocalEmbedder, tmp_path: Path
) -> None:
    counting = CountingEmbedder(real_embedder)
    context = make_context(embedder=counting)
    path = tmp_path / "policy.md"
    path.write_text("# Policy\n\nAll laptops use full-disk encryption.\n")
    first = Ingestor(context, "default").ingest(path, "policy.md")
    embedded = counting.texts
    second = Ingestor(context, "default").ingest(path, "policy.md")
    assert (first.status, second.status) == ("indexed", "unchanged")
    assert second.document_id == first.document_id
    assert counting.texts == embedded


SECTIONS = {
    "Backups": "Backups run nightly and are kept for ninety days. Restores are tested "
               "every quarter by the operations team.",
    "Access": "Access rights are reviewed every six months by each system owner. Leavers "
              "lose their accounts on their last working day.",
    "Patching": "Servers are patched within fourteen days of a vendor release. Critical "
                "fixes are applied within two days of release.",
}


def policy_text(sections: dict[str, str]) -> str:
    return "".join(f"# {heading}\n\n{body}\n\n" for heading, body in sections.items())


def test_changed_file_re_embeds_only_its_changed_chunk(
    make_context: ContextFactory, real_embedder: LocalEmbedder, tmp_path: Path
) -> None:
    counting = CountingEmbedder(real_embedder)
    context = make_context(embedder=counting, chunk_chars=300, chunk_overlap=0)
    path = tmp_path / "policy.md"
    path.write_text(policy_text(SECTIONS))
    ingestor = Ingestor(context, "default")
    old = ingestor.ingest(path, "policy.md")
    assert old.chunks == 3
    changed = "Servers are patched within seven days of a vendor release."
    path.write_text(policy_text({**SECTIONS, "Patching": changed}))
    counting.seen.clear()
    new = ingestor.ingest(path, "policy.md")
    assert (new.status, new.chunks) == ("indexed", 3)
    assert counting.seen == [f"Patching\n{changed}", changed]
    chunks = context.store.chunks("default")
    assert [c.heading for c in chunks] == ["Backups", "Access", "Patching"]
    ids = [c.chunk_id for c in chunks]
    fresh = real_embedder.embed([f"{c.heading}\n{c.text}" for c in chunks])
    stored = context.store.chunk_vectors("default", ids)
    assert all(cosine(stored[i], vector) > 0.9999 for i, vector in zip(ids, fresh, strict=True))
    sentences, vectors = context.store.sentences("default", ids)
    assert len(sentences) == 5
    again = real_embedder.embed([s.text for s in sentences])
    assert all(cosine(a, b) > 0.9999 for a, b in zip(vectors, again, strict=True))


def test_a_sentence_repeated_in_a_document_is_embedded_once(
    make_context: ContextFactory, real_embedder: LocalEmbedder, tmp_path: Path
) -> None:
    counting = CountingEmbedder(real_embedder)
    context = make_context(embedder=counting, chunk_chars=300, chunk_overlap=0)
    repeated = "Exceptions are approved in writing by the security officer."
    path = tmp_path / "policy.md"
    path.write_text(policy_text({heading: f"{body} {repeated}"
                                 for heading, body in SECTIONS.items()}))
    assert Ingestor(context, "default").ingest(path, "policy.md").chunks == 3
    sentences, _ = context.store.sentences("default", [c.chunk_id for c in
                                                       context.store.chunks("default")])
    assert [s.text for s in sentences].count(repeated) == 3
    assert counting.seen.count(repeated) == 1


def cosine(a: list[float], b: list[float]) -> float:
    return sum(x * y for x, y in zip(a, b, strict=True))


def test_changed_file_replaces_its_chunks(make_context: ContextFactory, tmp_path: Path) -> None:
    context = make_context(chunk_chars=200, chunk_overlap=0)
    path = tmp_path / "policy.md"
    path.write_text("# Old\n\n" + "Tape backups go offsite weekly. " * 20)
    ingestor = Ingestor(context, "default")
    old = ingestor.ingest(path, "policy.md")
    path.write_text("# New\n\nBackups are replicated to a second cloud region.\n")
    new = ingestor.ingest(path, "policy.md")
    assert old.chunks > 1 and new.chunks == 1
    assert new.document_id == old.document_id
    assert context.store.count("default") == 1
    hits = search(context, "default", "tape backups offsite", 5)
    assert [h.chunk.heading for h in hits] == ["New"]


def test_delete_removes_chunks_and_original(make_context: ContextFactory, tmp_path: Path) -> None:
    context = make_context()
    keep, drop = tmp_path / "keep.txt", tmp_path / "drop.txt"
    keep.write_text("Visitors are escorted at all times.")
    drop.write_text("Servers are patched within 14 days.")
    ingestor = Ingestor(context, "default")
    ingestor.ingest(keep, "keep.txt")
    gone = ingestor.ingest(drop, "drop.txt")
    assert gone.document_id is not None
    originals = context.settings.data_dir / "originals"
    assert len(list(originals.iterdir())) == 2
    delete_document(context, "default", gone.document_id)
    assert context.store.count("default") == 1
    assert len(list(originals.iterdir())) == 1
    assert all(h.chunk.document == "keep.txt" for h in search(context, "default", "patching", 5))


def test_workspaces_never_see_each_other(make_context: ContextFactory, tmp_path: Path) -> None:
    context = make_context()
    secret = tmp_path / "merger.txt"
    secret.write_text("The acquisition of Falcon Ltd closes in March.")
    Ingestor(context, "alpha").ingest(secret, "merger.txt")
    other = tmp_path / "other.txt"
    other.write_text("Canteen opening hours are 8 to 4.")
    Ingestor(context, "beta").ingest(other, "other.txt")
    hits = search(context, "beta", "acquisition of Falcon", 10)
    assert [h.chunk.document for h in hits] == ["other.txt"]


def test_an_index_refuses_a_different_model(make_context: ContextFactory, tmp_path: Path) -> None:
    data_dir = tmp_path / "shared"
    path = tmp_path / "a.txt"
    path.write_text("Alpha.")
    Ingestor(make_context(data_dir=data_dir), "default").ingest(path, "a.txt")
    mismatched = make_context(embedder=FakeEmbedder(), data_dir=data_dir)
    with pytest.raises(ConflictError, match="all-MiniLM-L6-v2"):
        search(mismatched, "default", "alpha", 1)
