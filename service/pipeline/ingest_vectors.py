"""The vectors of a new version's chunks and sentences: reused where the text is unchanged.

A changed document is re-embedded only where it changed: a chunk whose embedded text (heading
path and text) equals one of the version it replaces takes that chunk's stored vector, and
its sentences take theirs when they split the same. Everything else is embedded, each
distinct text of a document once, and the texts of several documents in one model call.
Chunks and sentences are embedded apart: in one call, the short sentences batched with the
long chunks were padded to a chunk's length (ingest took 2.5x the raw time).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from service.components.embedding import Embedder
from service.domain.evidence import Sentence
from service.pipeline.context import PipelineContext

Vector = list[float]


@dataclass(frozen=True)
class Stored:
    """A chunk of the replaced version: its vector, and its sentences' texts and vectors."""

    vector: Vector
    sentences: tuple[str, ...]
    sentence_vectors: tuple[Vector, ...]


def embedded_text(heading: str, text: str) -> str:
    """What is embedded for a chunk: its heading path, which gives it context, and its text."""
    return f"{heading}\n{text}" if heading else text


def stored_vectors(context: PipelineContext, workspace: str,
                   chunk_ids: frozenset[str]) -> dict[str, Stored]:
    """The replaced version's chunks by embedded text (none for a new document)."""
    if not chunk_ids:
        return {}
    ids = sorted(chunk_ids)
    store = context.store
    vectors = store.chunk_vectors(workspace, ids)
    sentences, sentence_vectors = store.sentences(workspace, ids)
    by_chunk: dict[str, list[tuple[str, str, Vector]]] = defaultdict(list)
    for sentence, vector in zip(sentences, sentence_vectors, strict=True):
        by_chunk[sentence.chunk_id].append((sentence.sentence_id, sentence.text, vector))
    found: dict[str, Stored] = {}
    for chunk in store.chunks(workspace, ids):
        if chunk.chunk_id not in vectors:
            continue
        own = sorted(by_chunk.get(chunk.chunk_id, []))  # sentence ids count up in order
        found[embedded_text(chunk.heading, chunk.text)] = Stored(vectors[chunk.chunk_id],
                                          tuple(text for _, text, _ in own),
                                          tuple(vector for _, _, vector in own))
    return found


@dataclass(frozen=True)
class VectorPlan:
    """One document's vectors before the model runs: the texts, and the vectors reused.

    ``chunks`` are the chunks' embedded texts and ``sentences`` their sentences' texts, flat,
    in order; ``reused`` holds a stored vector, or None where the text is still to be embedded.
    """

    chunks: list[str]
    sentences: list[str]
    reused_chunks: list[Vector | None]
    reused_sentences: list[Vector | None]


def plan_vectors(texts: list[str], sentences: list[list[Sentence]],
                 stored: dict[str, Stored]) -> VectorPlan:
    """What a document whose chunks are embedded as ``texts`` reuses and still needs.

    A chunk found in ``stored`` keeps its vector, and its sentences keep theirs if they split
    the same, one for one.
    """
    reused: list[Vector | None] = []
    for text, own in zip(texts, sentences, strict=True):
        old = stored.get(text)
        if old is not None and old.sentences == tuple(s.text for s in own):
            reused.extend(old.sentence_vectors)
        else:
            reused.extend([None] * len(own))
    return VectorPlan(texts, [s.text for own in sentences for s in own],
                      [stored[text].vector if text in stored else None for text in texts],
                      reused)


def chunk_vectors(embedder: Embedder, plans: list[VectorPlan]) -> list[list[Vector]]:
    """Each document's chunk vectors, the missing ones of all documents in one model call."""
    return embed_missing(embedder, [(plan.chunks, plan.reused_chunks) for plan in plans])


def sentence_vectors(embedder: Embedder, plans: list[VectorPlan]) -> list[list[Vector]]:
    """Each document's sentence vectors, flat, the missing ones of all in one model call."""
    return embed_missing(embedder, [(plan.sentences, plan.reused_sentences) for plan in plans])


def embed_missing(embedder: Embedder,
                  documents: list[tuple[list[str], list[Vector | None]]]) -> list[list[Vector]]:
    """One vector per text of each document: the reused one, else embedded.

    The texts of all documents go to the model in one call, which is faster than a call
    per document (fewer, fuller batches); each distinct text of a document is embedded once,
    but none is shared across documents, so the vectors are those a file-by-file ingest gives.
    """
    missing = [list(dict.fromkeys(text for text, vector in zip(texts, reused, strict=True)
                                  if vector is None))
               for texts, reused in documents]
    fresh = iter(embedder.embed([text for own in missing for text in own]))
    filled: list[list[Vector]] = []
    for (texts, reused), own in zip(documents, missing, strict=True):
        new = {text: next(fresh) for text in own}
        filled.append([new[text] if vector is None else vector
                       for text, vector in zip(texts, reused, strict=True)])
    return filled
