"""The labelled workspaces of `assay eval`: each dataset (and graded profile) ingested once.

A target is one workspace with its labelled cases: the real comply set is one target, each
graded profile (the same company written at level 1, 3 or 4) is one more. Ingest skips
unchanged files, so a kept data dir (``--data-dir``) makes re-runs fast.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from evals.cases import (
    DATASETS,
    ComplySet,
    Coverage,
    DatasetError,
    GradedSet,
    Passage,
    comply_sets,
    freshness_sets,
    graded_sets,
)
from evals.progress import Progress
from service.db.documents import list_documents
from service.db.tables import DocumentRow
from service.db.workspaces import get_or_create_workspace, get_workspace
from service.domain.evidence import Chunk, Sentence
from service.domain.visibility import chunk_prefix
from service.pipeline.context import PipelineContext
from service.pipeline.ingest import Ingestor, expand_paths
from service.pipeline.score.citations import normalise, quote_in

# Provenance notes beside a document set are not the organisation's documents.
NOT_DOCUMENTS = re.compile(r"^(SOURCE\.md|LICEN[CS]E(\.\w+)?|README\.md)$", re.IGNORECASE)


@dataclass(frozen=True)
class LabelledCase:
    """A requirement of a target: its expected level, its coverage and its passages."""

    ref: str
    expected: int
    passages: tuple[Passage, ...]
    coverage: Coverage | None = None
    reason: str = ""


@dataclass(frozen=True)
class Target:
    """One labelled workspace: a document folder, its framework and its cases."""

    dataset: str
    framework: str
    folder: Path
    workspace: str
    cases: tuple[LabelledCase, ...]
    profile: int | None = None
    as_of: date | None = None
    """The dataset's assessment date: records are fresh or stale as of this day."""

    @property
    def name(self) -> str:
        """The dataset, and the graded profile's level if any: 'graded-gmp/level3'."""
        return self.dataset if self.profile is None else f"{self.dataset}/level{self.profile}"

    def documents(self) -> list[tuple[Path, str]]:
        """Each file of the folder with its display name, provenance notes left out."""
        return [(path, name) for path, name in expand_paths([self.folder])
                if not NOT_DOCUMENTS.match(name)]


def slug(text: str) -> str:
    """A workspace slug from a dataset name."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:63]


def comply_target(dataset: ComplySet) -> Target:
    """The real set as one target."""
    cases = tuple(LabelledCase(c.ref, c.expected_level, c.passages, c.coverage, c.note)
                  for c in dataset.cases)
    return Target(dataset.name, dataset.framework, DATASETS / dataset.documents,
                  slug(f"eval-{dataset.name}"), cases, as_of=dataset.as_of)


def graded_targets(dataset: GradedSet) -> list[Target]:
    """One target per profile, with the cases that expect a level there."""
    targets = []
    for profile in dataset.profiles:
        cases = tuple(
            LabelledCase(c.ref, c.expected[profile.level], c.passages.get(profile.level, ()),
                         None, c.reasons.get(profile.level, ""))
            for c in dataset.cases if profile.level in c.expected
        )
        targets.append(Target(dataset.name, dataset.framework, DATASETS / profile.documents,
                              slug(f"eval-{dataset.name}-l{profile.level}"), cases,
                              profile.level, dataset.as_of))
    return targets


def all_targets(dataset: str | None = None, limit: int | None = None) -> list[Target]:
    """Every labelled target, or those of datasets whose name contains ``dataset``.

    ``limit`` keeps the first N cases of each target (a quick run).
    """
    targets = [comply_target(d) for d in comply_sets()]
    targets += [t for d in (*graded_sets(), *freshness_sets()) for t in graded_targets(d)]
    if dataset:
        targets = [t for t in targets if dataset in t.dataset]
    if limit is not None:
        targets = [replace(t, cases=t.cases[:limit]) for t in targets]
    return targets


def ingest_targets(context: PipelineContext, targets: Iterable[Target],
                   progress: Progress) -> None:
    """Ingest every target's documents (unchanged files are skipped); a rejected file fails."""
    work = [(t, path, name) for t in targets for path, name in t.documents()]
    progress.start("ingesting", len(work))
    ingestors: dict[str, Ingestor] = {}
    for target, path, name in work:
        ingestor = ingestors.setdefault(target.workspace, Ingestor(context, target.workspace))
        outcome = ingestor.ingest(path, name)
        if outcome.status == "rejected":
            raise DatasetError(f"{target.name}: {name} was rejected at ingest: {outcome.error}")
        progress.advance(name)


SPAN = 80


def holds(chunk: Chunk, passage: Passage) -> bool:
    """Whether the chunk is of the labelled document and contains the labelled text.

    A long passage may straddle two chunks: then a chunk holding its first or its last
    80 characters holds it.
    """
    if chunk.document != passage.document:
        return False
    text = normalise(passage.text)
    if quote_in(text, chunk.text):
        return True
    return len(text) > 2 * SPAN and (quote_in(text[:SPAN], chunk.text)
                                     or quote_in(text[-SPAN:], chunk.text))


def check_labels(target: Target, chunks: list[Chunk]) -> None:
    """Every labelled passage must be in some chunk; the first that is not stops the run."""
    for case in target.cases:
        for passage in case.passages:
            if not any(holds(c, passage) for c in chunks):
                raise DatasetError(f"{target.name} {case.ref}: no chunk of {passage.document} "
                                   f"contains {passage.text!r}")


def clear(context: PipelineContext, workspace: str) -> None:
    """Remove every chunk, sentence and document row of a scratch workspace."""
    for document_id in {c.document_id for c in context.store.chunks(workspace)}:
        context.store.delete_document(workspace, document_id, keep=set())
    _drop_rows(context, workspace, lambda name: True)


def _drop_rows(context: PipelineContext, workspace: str, drop: Callable[[str], bool]) -> None:
    with context.sessions() as session:
        space = get_workspace(session, workspace)
        for row in [] if space is None else list_documents(session, space.id):
            if drop(row.display_name):
                session.delete(row)
        session.commit()


def _copied_id(target: str, document_id: str) -> str:
    """The same id for the same document copied into the same workspace, on every copy."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"assay-eval/{target}/{document_id}"))


def copy_documents(context: PipelineContext, source: str, target: str,
                   keep: Callable[[str], bool] = lambda name: True) -> None:
    """Copy the documents ``keep`` accepts into ``target``: ready rows, chunks and sentences.

    The stored vectors are copied too: nothing is embedded again. Retrieval shows only the
    chunks of ready document rows, in the version the row names, so each copy gets a row of
    its own (a new id) and its chunk and sentence ids are re-prefixed to match it.
    """
    store = context.store
    with context.sessions() as session:
        space = get_workspace(session, source)
        rows = {r.id: r for r in ([] if space is None else list_documents(session, space.id))
                if keep(r.display_name)}
        into = get_or_create_workspace(session, target)
        for row in rows.values():
            session.add(DocumentRow(
                id=_copied_id(target, row.id), workspace_id=into.id,
                display_name=row.display_name, source_path=row.source_path,
                content_hash=row.content_hash, size_bytes=row.size_bytes,
                doc_type=row.doc_type, stored_path=row.stored_path, pages=row.pages,
                chunks=row.chunks, version=row.version, state=row.state))
        prefixes = {i: (chunk_prefix(i, r.content_hash),
                        chunk_prefix(_copied_id(target, i), r.content_hash))
                    for i, r in rows.items()}
        session.commit()
    chunks = [c for c in store.chunks(source) if c.document_id in prefixes
              and c.chunk_id.startswith(prefixes[c.document_id][0])]
    if not chunks:
        return

    def moved(chunk_id: str, document_id: str) -> str:
        old, new = prefixes[document_id]
        return new + chunk_id[len(old):]

    vectors = store.chunk_vectors(source, [c.chunk_id for c in chunks])
    store.add(target, [c.model_copy(update={
        "workspace": target, "document_id": _copied_id(target, c.document_id),
        "chunk_id": moved(c.chunk_id, c.document_id)}) for c in chunks],
        [vectors[c.chunk_id] for c in chunks])
    sentences, sentence_vectors = store.sentences(source, [c.chunk_id for c in chunks])
    if sentences:
        store.add_sentences(target, [_moved_sentence(s, moved, target) for s in sentences],
                            sentence_vectors)


def _moved_sentence(sentence: Sentence, moved: Callable[[str, str], str],
                    target: str) -> Sentence:
    chunk_id = moved(sentence.chunk_id, sentence.document_id)
    rest = sentence.sentence_id.removeprefix(sentence.chunk_id)
    return sentence.model_copy(update={
        "sentence_id": chunk_id + rest if rest != sentence.sentence_id else f"{chunk_id}|{rest}",
        "chunk_id": chunk_id, "document_id": _copied_id(target, sentence.document_id)})


def remove_documents(context: PipelineContext, workspace: str, names: set[str]) -> None:
    """Remove the named documents' rows, chunks and sentences from a scratch workspace."""
    for document_id in {c.document_id for c in context.store.chunks(workspace)
                        if c.document in names}:
        context.store.delete_document(workspace, document_id, keep=set())
    _drop_rows(context, workspace, names.__contains__)


def ingest_folder(context: PipelineContext, workspace: str, folder: Path) -> None:
    """Ingest a fixture folder into its own workspace (unchanged files are skipped)."""
    ingestor = Ingestor(context, workspace)
    for path, name in expand_paths([folder]):
        outcome = ingestor.ingest(path, name)
        if outcome.status == "rejected":
            raise DatasetError(f"{name} was rejected at ingest: {outcome.error}")
