"""The vectors of a new version's chunks and sentences: reused where the text is unchanged.

A changed document is re-embedded only where it changed: a chunk whose embedded text (heading
path and text) equals one of the version it replaces takes that chunk's stored vector, and
its sentences take theirs when they split the same. Everything else is embedded, each
distinct text once (the chunks' overlap repeats sentences). Chunks and sentences are
embedded apart: in one call, the short sentences batched with the long chunks were padded
to a chunk's length (ingest took 2.5x the raw time).
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


def embed_distinct(embedder: Embedder, texts: list[str]) -> list[Vector]:
    """One vector per text, each distinct text embedded once."""
    distinct = list(dict.fromkeys(texts))
    vectors = dict(zip(distinct, embedder.embed(distinct), strict=True))
    return [vectors[text] for text in texts]


def chunk_vectors(embedder: Embedder, texts: list[str],
                  stored: dict[str, Stored]) -> list[Vector]:
    """One vector per chunk embedded as ``texts``: the stored one if found, else embedded."""
    vectors: list[Vector | None] = [
        stored[text].vector if text in stored else None for text in texts]
    todo = [n for n, vector in enumerate(vectors) if vector is None]
    for n, vector in zip(todo, embed_distinct(embedder, [texts[n] for n in todo]), strict=True):
        vectors[n] = vector
    return [vector for vector in vectors if vector is not None]


def sentence_vectors(embedder: Embedder, texts: list[str], sentences: list[list[Sentence]],
                     stored: dict[str, Stored]) -> list[Vector]:
    """One vector per sentence of the chunks embedded as ``texts``, flat, in order.

    A stored chunk's sentences keep their vectors if they split the same, one for one.
    """
    rows: list[list[Vector | None]] = []
    for text, own in zip(texts, sentences, strict=True):
        old = stored.get(text)
        if old is not None and old.sentences == tuple(s.text for s in own):
            rows.append(list(old.sentence_vectors))
        else:
            rows.append([None] * len(own))
    todo = [(n, i) for n, row in enumerate(rows) for i, vector in enumerate(row) if vector is None]
    fresh = embed_distinct(embedder, [sentences[n][i].text for n, i in todo])
    for (n, i), vector in zip(todo, fresh, strict=True):
        rows[n][i] = vector
    return [vector for row in rows for vector in row if vector is not None]
