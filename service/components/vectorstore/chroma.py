"""Chroma, embedded (PersistentClient in the data dir) or as a server (HttpClient)."""

from __future__ import annotations

import math
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import chromadb
import numpy as np
from chromadb.api import ClientAPI
from chromadb.api.models.Collection import Collection
from chromadb.api.types import EmbeddingFunction, Where
from chromadb.config import Settings as ChromaSettings

from service.components.embedding.base import Embedder
from service.components.lexical.persistent import Flags, PersistentLexicalIndex
from service.components.vectorstore.chroma_records import (
    chunk_from_record,
    chunk_metadata,
    sentence_from_record,
    sentence_metadata,
)
from service.components.vectorstore.table import EXACT_LIMIT, VectorTable
from service.domain.evidence import Chunk, EvidenceKind, SearchHit, Sentence
from service.domain.visibility import Visible
from service.errors import ConflictError

BATCH = 1000
OVERFETCH = 100  # unfiltered nearest neighbours read per query vector, at least
MOST = 1600  # ... and at most, before Chroma is asked to filter
CHUNKS_PREFIX = "assay-ws-"
SENTENCES_PREFIX = "assay-ss-"


class _AssayEmbeddingFunction(EmbeddingFunction):  # type: ignore[type-arg]
    """Our embedder, so that Chroma never loads (or downloads) its default model."""

    def __init__(self, embedder: Embedder) -> None:
        self._embedder = embedder

    def __call__(self, input: Any) -> Any:
        return self._embedder.embed(list(input))

    @staticmethod
    def name() -> str:
        return "assay"

    def get_config(self) -> dict[str, Any]:
        return {}


def persistent_client(path: Path) -> ClientAPI:
    """Chroma embedded in the data dir."""
    path.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(
        path=str(path), settings=ChromaSettings(anonymized_telemetry=False)
    )


def http_client(host: str, port: int) -> ClientAPI:
    """A Chroma server, shared by several processes."""
    return chromadb.HttpClient(
        host=host, port=port, settings=ChromaSettings(anonymized_telemetry=False)
    )


def _unscreened(kind: EvidenceKind | None, visible: Visible | None) -> Where:
    """Only chunks that passed screening, optionally of one kind and of shown documents."""
    clauses: list[Where] = [{"screened": False}]
    if kind is not None:
        clauses.append({"kind": kind.value})
    if visible is not None:
        clauses.append({"document_id": {"$in": visible.documents}})  # type: ignore[dict-item]
    return clauses[0] if len(clauses) == 1 else {"$and": clauses}


def _similarity(distance: float) -> float:
    """Chroma's cosine distance as a similarity in [0, 1]."""
    return min(1.0, max(0.0, 1.0 - distance))


def _shown(chunk: Chunk, kind: EvidenceKind | None, visible: Visible | None) -> bool:
    """Whether a query may return this chunk: unscreened, of the kind, and shown."""
    return (not chunk.screened and (kind is None or chunk.kind == kind)
            and (visible is None or visible.shows(chunk.chunk_id, chunk.document_id)))


def _window(k: int, shown: int, read: int) -> int:
    """How many more of a vector's nearest to read, ``shown`` of its first ``read`` being shown.

    The missing ones at the rate seen so far, a quarter more; four times as many as were
    read while none was shown.
    """
    return math.ceil((k - shown) * read / shown * 1.25) if shown else 4 * read


def _may_show(chunk_id: str, flags: Flags, kind: EvidenceKind | None,
              visible: Visible | None) -> bool:
    """Whether a chunk of these flags (document id, screened, kind if known) may be shown."""
    document_id, screened, stored_kind = flags
    return (not screened and (kind is None or stored_kind in (None, kind.value))
            and (visible is None or visible.shows(chunk_id, document_id)))


def _batches(items: list[Any]) -> Iterator[slice]:
    for start in range(0, len(items), BATCH):
        yield slice(start, start + BATCH)


def _read(collection: Collection, include: list[str], *, ids: list[str] | None = None,
          where: Where | None = None) -> dict[str, list[Any]]:
    """``collection.get`` a page at a time: ids, and each included field, in one list each.

    One unpaged ``get`` binds a SQL variable per record, and SQLite refuses more than 32,766
    of them: a workspace past that size could not be read at all. Ids are asked for
    ``BATCH`` at a time; without ids, ``BATCH`` records per call by offset.
    """
    out: dict[str, list[Any]] = {"ids": [], **{field: [] for field in include}}

    def take(found: Any) -> int:
        out["ids"].extend(found["ids"])
        for field in include:
            values = found[field]
            out[field].extend(values if values is not None else [])
        return len(found["ids"])

    if ids is not None:
        for part in _batches(ids):
            take(collection.get(ids=ids[part], where=where, include=include))  # type: ignore[arg-type]
        return out
    offset = 0
    while read := take(collection.get(where=where, include=include,  # type: ignore[arg-type]
                                      limit=BATCH, offset=offset)):
        offset += read
    return out


class ChromaStore:
    """Two collections per workspace (chunks, sentences), stamped with the model that built them.

    Every write to the chunks is mirrored in ``lexical``, the workspace's persistent BM25
    index; a workspace stored before that index existed is added to it on first use.
    """

    def __init__(self, client: ClientAPI, embedder: Embedder,
                 lexical: PersistentLexicalIndex) -> None:
        self._client = client
        self._embedder = embedder
        self._function = _AssayEmbeddingFunction(embedder)
        self._collections: dict[str, Collection] = {}
        self._lexical = lexical
        self._mirrored: set[str] = set()

    def _text(self, workspace: str) -> PersistentLexicalIndex:
        """The lexical index, once it holds every chunk of the workspace (backfilled once)."""
        if workspace not in self._mirrored:
            if not self._lexical.complete(workspace):
                self._lexical.add(workspace, self.chunks(workspace))
                self._lexical.mark_complete(workspace)
            self._mirrored.add(workspace)
        return self._lexical

    def _collection(self, name: str, workspace: str) -> Collection:
        if name not in self._collections:
            stamp = {
                "embedding_model": self._embedder.model_name,
                "dimension": self._embedder.dimension,
            }
            collection = self._client.get_or_create_collection(
                name,
                metadata=stamp,
                embedding_function=self._function,
                configuration={"hnsw": {"space": "cosine"}},
            )
            found = {key: (collection.metadata or {}).get(key) for key in stamp}
            if found != stamp:
                raise ConflictError(
                    f"workspace '{workspace}' was indexed with {found['embedding_model']} "
                    f"(dimension {found['dimension']}), but the configured model is "
                    f"{stamp['embedding_model']} (dimension {stamp['dimension']}); "
                    "use the same model, or re-ingest into a new data dir"
                )
            self._collections[name] = collection
        return self._collections[name]

    def _chunks(self, workspace: str) -> Collection:
        return self._collection(CHUNKS_PREFIX + workspace, workspace)

    def _sentences(self, workspace: str) -> Collection:
        return self._collection(SENTENCES_PREFIX + workspace, workspace)

    def add(self, workspace: str, chunks: list[Chunk], vectors: list[list[float]]) -> None:
        """Upsert chunks in batches; metadata carries provenance, kind and screening."""
        collection, lexical = self._chunks(workspace), self._text(workspace)
        for part in _batches(chunks):
            batch = chunks[part]
            collection.upsert(
                ids=[c.chunk_id for c in batch],
                embeddings=vectors[part],  # type: ignore[arg-type]
                documents=[c.text for c in batch],
                metadatas=[chunk_metadata(c) for c in batch],
            )
            lexical.add(workspace, batch)

    def add_sentences(
        self, workspace: str, sentences: list[Sentence], vectors: list[list[float]]
    ) -> None:
        """Upsert sentences in batches."""
        collection = self._sentences(workspace)
        for part in _batches(sentences):
            batch = sentences[part]
            collection.upsert(
                ids=[s.sentence_id for s in batch],
                embeddings=vectors[part],  # type: ignore[arg-type]
                documents=[s.text for s in batch],
                metadatas=[sentence_metadata(s) for s in batch],
            )

    def delete_document(self, workspace: str, document_id: str, keep: set[str]) -> None:
        """Delete the document's chunks not in ``keep``, and their sentences."""
        self._text(workspace).delete_document(workspace, document_id, keep)
        for collection, owner in ((self._chunks(workspace), "id"),
                                  (self._sentences(workspace), "chunk_id")):
            found = _read(collection, ["metadatas"], where={"document_id": document_id})
            metas = found["metadatas"]
            stale = [
                record_id
                for record_id, meta in zip(found["ids"], metas, strict=True)
                if (record_id if owner == "id" else str(meta["chunk_id"])) not in keep
            ]
            for part in _batches(stale):
                collection.delete(ids=stale[part])

    def reassign(self, workspace: str, document_id: str, prefix: str, owner: str) -> None:
        """Give the document's chunks of ``prefix``, and their sentences, to ``owner``."""
        self._text(workspace).reassign(workspace, document_id, prefix, owner)
        for collection, key in ((self._chunks(workspace), None),
                                (self._sentences(workspace), "chunk_id")):
            found = _read(collection, ["metadatas"], where={"document_id": document_id})
            ids, metas = [], []
            for record_id, meta in zip(found["ids"], found["metadatas"], strict=True):
                if (record_id if key is None else str(meta[key])).startswith(prefix):
                    ids.append(record_id)
                    metas.append({**meta, "document_id": owner})
            for part in _batches(ids):
                collection.update(ids=ids[part], metadatas=metas[part])  # type: ignore[arg-type]

    def query(
        self,
        workspace: str,
        vectors: list[list[float]],
        k: int,
        kind: EvidenceKind | None = None,
        visible: Visible | None = None,
    ) -> list[list[SearchHit]]:
        """Nearest chunks by cosine similarity (clipped to [0, 1]), one list per vector.

        With ``visible``, only chunks of the current version of ready documents. Chroma
        resolves a metadata filter over every record before its nearest-neighbour search
        (about a second at 100,000 chunks), and reading records is most of an unfiltered
        query's time: so the nearest ``OVERFETCH`` (or ``4 * k``) ids are found unfiltered,
        their records read nearest first, no more than the vector's share of shown ones
        says it needs (``_first_shown``), and the hidden, screened or other-kind ones
        dropped here. A vector left with fewer than ``k`` asks
        for four times as many, up to ``MOST``; only then is Chroma asked to filter.
        """
        if visible is not None and not visible.prefixes:
            return [[] for _ in vectors]
        collection = self._chunks(workspace)
        self._text(workspace)  # its flags are complete
        kept: list[list[SearchHit]] = [[] for _ in vectors]
        todo, fetch = list(range(len(vectors))), max(OVERFETCH, 4 * k)
        while todo:
            found = collection.query(query_embeddings=[vectors[i] for i in todo],  # type: ignore[arg-type]
                                     n_results=fetch, include=["distances"])
            near = [list(zip(ids, dists, strict=True))
                    for ids, dists in zip(found["ids"], found["distances"] or [], strict=True)]
            short = []
            for i, hits, ranked in zip(todo, self._first_shown(workspace, near, k, kind, visible),
                                       near, strict=True):
                kept[i] = hits
                if len(hits) < k and len(ranked) == fetch:
                    short.append(i)
            todo, fetch = short, 4 * fetch
            if fetch > MOST:
                break
        if todo:
            again = self._filtered(collection, [vectors[i] for i in todo], k, kind, visible)
            for i, hits in zip(todo, again, strict=True):
                kept[i] = hits
        return [hits[:k] for hits in kept]

    def _first_shown(self, workspace: str, near: list[list[tuple[str, float]]], k: int,
                     kind: EvidenceKind | None, visible: Visible | None) -> list[list[SearchHit]]:
        """Per vector, its first ``k`` shown chunks of ``near`` (ids, distances; nearest first).

        Records are read ``k`` per vector at first, then as many more as the vector's share
        of shown ones so far says its missing ones take (``_window``); a record is read once
        for all the vectors, and not at all when the lexical index's flags (written with
        every chunk) say it would be dropped.
        """
        collection = self._chunks(workspace)
        kept: list[list[SearchHit]] = [[] for _ in near]
        read, window, known = [0] * len(near), [k] * len(near), dict[str, Chunk]()
        while todo := [i for i, hits in enumerate(kept)
                       if len(hits) < k and read[i] < len(near[i])]:
            pages = {i: near[i][read[i]:read[i] + window[i]] for i in todo}
            wanted = sorted({record_id for page in pages.values()
                             for record_id, _ in page} - known.keys())
            flags = self._lexical.flags(workspace, wanted)
            known |= self._records(collection, [c for c in wanted if c not in flags
                                                or _may_show(c, flags[c], kind, visible)])
            for i, page in pages.items():
                for record_id, dist in page:
                    chunk = known.get(record_id)
                    if chunk is not None and _shown(chunk, kind, visible):
                        kept[i].append(SearchHit(chunk=chunk, score=_similarity(dist)))
                read[i] += len(page)
                window[i] = _window(k, len(kept[i]), read[i])
        return kept

    @staticmethod
    def _filtered(collection: Collection, vectors: list[list[float]], k: int,
                  kind: EvidenceKind | None, visible: Visible | None) -> list[list[SearchHit]]:
        """The nearest shown chunks, Chroma filtering by metadata (slow on a large workspace).

        While a replacement is being written, twice ``k`` are fetched and its chunks dropped.
        """
        result = collection.query(
            query_embeddings=vectors,  # type: ignore[arg-type]
            n_results=2 * k if visible is not None and visible.replacing else k,
            where=_unscreened(kind, visible), include=["documents", "metadatas", "distances"])
        rows = zip(result["ids"], result["documents"] or [], result["metadatas"] or [],
                   result["distances"] or [], strict=True)
        hits = [[SearchHit(chunk=chunk_from_record(c, text, meta), score=_similarity(dist))
                 for c, text, meta, dist in zip(ids, texts, metas, dists, strict=True)]
                for ids, texts, metas, dists in rows]
        return [[h for h in found if _shown(h.chunk, kind, visible)] for found in hits]

    @staticmethod
    def _records(collection: Collection, ids: list[str]) -> dict[str, Chunk]:
        """The chunks of these ids, as stored."""
        found = _read(collection, ["documents", "metadatas"], ids=ids)
        return {chunk_id: chunk_from_record(chunk_id, text, meta) for chunk_id, text, meta
                in zip(found["ids"], found["documents"], found["metadatas"], strict=True)}

    def above(self, workspace: str, vectors: list[list[float]], floor: float,
              visible: Visible, sentences: bool = False) -> dict[str, float]:
        """Each shown chunk whose cosine to some vector reaches ``floor``, with the best.

        With ``sentences``, a chunk's best is that of its stored sentences instead. Asks for
        the nearest 100 records, then four times as many, until the last one is under the
        floor (or fewer come back: the collection is exhausted, and is never counted): what
        passes is the same as scoring every record, without reading them all. Only distances
        are read while searching; a chunk's version is in its id, and a sentence's chunk is
        read for those that pass.
        Screened chunks are included (sentences carry no flag).
        """
        collection = self._sentences(workspace) if sentences else self._chunks(workspace)
        best: dict[str, float] = {}
        pending, n = list(range(len(vectors))), OVERFETCH
        while pending:
            result = collection.query(
                query_embeddings=[vectors[i] for i in pending],  # type: ignore[arg-type]
                n_results=n, include=["distances"])
            further = []
            for i, ids, dists in zip(pending, result["ids"], result["distances"] or [],
                                     strict=True):
                scores = np.clip(1.0 - np.asarray(dists, dtype=np.float64), 0.0, 1.0)
                over = np.flatnonzero(scores >= floor)
                for at, score in zip(over.tolist(), scores[over].tolist(), strict=True):
                    if score > best.get(ids[at], -1.0):
                        best[ids[at]] = score
                if len(ids) == n and scores[-1] >= floor:
                    further.append(i)
            pending, n = further, 4 * n
        if not sentences:
            return {c: score for c, score in best.items() if visible.shows_id(c)}
        found = _read(collection, ["metadatas"], ids=sorted(best))
        chunks: dict[str, float] = {}
        for sentence_id, meta in zip(found["ids"], found["metadatas"], strict=True):
            owner = str(meta["chunk_id"])
            if visible.shows(owner, str(meta["document_id"])):
                chunks[owner] = max(chunks.get(owner, 0.0), best[sentence_id])
        return chunks

    def table(self, workspace: str, sentences: bool = False) -> VectorTable | None:
        """Every stored vector of the workspace's chunks (or sentences), for an exact search.

        None past ``EXACT_LIMIT`` records (see ``table.py``: the index loses records after
        many deletes and upserts).
        """
        collection = self._sentences(workspace) if sentences else self._chunks(workspace)
        if collection.count() > EXACT_LIMIT:
            return None
        found = _read(collection, ["embeddings", "metadatas"])
        owners = ([str(m["chunk_id"]) for m in found["metadatas"]] if sentences
                  else list(found["ids"]))
        documents = [str(m["document_id"]) for m in found["metadatas"]]
        searchable = None if sentences else [
            None if m.get("screened") else str(m["kind"]) for m in found["metadatas"]]
        return VectorTable.of(owners, documents, found["embeddings"], searchable)

    def search_text(self, workspace: str, query: str, k: int,
                    visible: Visible | None = None) -> list[tuple[str, float]]:
        """Up to ``k`` (chunk id, BM25 score), best first, from the workspace's lexical index."""
        return self._text(workspace).search(workspace, query, k, visible)

    def chunks(
        self, workspace: str, ids: list[str] | None = None, visible: Visible | None = None
    ) -> list[Chunk]:
        """Chunks by id, or all of the workspace's, ordered by document and position.

        With ``visible``, only those of the shown documents' current versions.
        """
        if ids is not None and not ids:
            return []
        found = _read(self._chunks(workspace), ["documents", "metadatas"], ids=ids)
        texts = found["documents"]
        metas = found["metadatas"]
        chunks = [
            chunk_from_record(chunk_id, text, meta)
            for chunk_id, text, meta in zip(found["ids"], texts, metas, strict=True)
            if visible is None or visible.shows(chunk_id, str(meta["document_id"]))
        ]
        return sorted(chunks, key=lambda c: (c.document, c.index))

    def chunk_vectors(self, workspace: str, ids: list[str]) -> dict[str, list[float]]:
        """Stored vectors by chunk id."""
        if not ids:
            return {}
        found = _read(self._chunks(workspace), ["embeddings"], ids=ids)
        return {chunk_id: list(map(float, v))
                for chunk_id, v in zip(found["ids"], found["embeddings"], strict=True)}

    def sentences(
        self, workspace: str, chunk_ids: list[str]
    ) -> tuple[list[Sentence], list[list[float]]]:
        """The sentences of these chunks, with their stored vectors."""
        if not chunk_ids:
            return [], []
        collection, ids = self._sentences(workspace), list(chunk_ids)
        found: dict[str, list[Any]] = {"ids": [], "documents": [], "metadatas": [],
                                       "embeddings": []}
        for part in _batches(ids):
            page = _read(collection, ["documents", "metadatas", "embeddings"],
                         where={"chunk_id": {"$in": ids[part]}})  # type: ignore[dict-item]
            for field, values in page.items():
                found[field].extend(values)
        texts, metas, vectors = found["documents"], found["metadatas"], found["embeddings"]
        sentences = [
            sentence_from_record(sentence_id, text, meta)
            for sentence_id, text, meta in zip(found["ids"], texts, metas, strict=True)
        ]
        return sentences, [list(map(float, v)) for v in vectors]

    def count(self, workspace: str) -> int:
        """The number of chunks in the workspace's collection."""
        return self._chunks(workspace).count()

    def workspaces(self) -> list[str]:
        """The workspaces that have a chunk or sentence collection in the store."""
        names = {c.name if hasattr(c, "name") else str(c) for c in self._client.list_collections()}
        return sorted({name.removeprefix(prefix) for name in names
                       for prefix in (CHUNKS_PREFIX, SENTENCES_PREFIX) if name.startswith(prefix)})

    def chunk_owners(self, workspace: str, page: int = BATCH) -> dict[str, str]:
        """Every chunk id held for the workspace (chunks and sentences alike) with its document.

        Read ``page`` records at a time, never the whole collection in one call. A record
        written or deleted meanwhile may be missed (it is seen by the next pass), never
        reported twice with another owner.
        """
        owners: dict[str, str] = {}
        for collection, owner in ((self._chunks(workspace), None),
                                  (self._sentences(workspace), "chunk_id")):
            offset = 0
            while True:
                found = collection.get(include=["metadatas"], limit=page, offset=offset)
                if not found["ids"]:
                    break
                for record_id, meta in zip(found["ids"], found["metadatas"] or [], strict=True):
                    chunk_id = record_id if owner is None else str(meta[owner])
                    owners[chunk_id] = str(meta["document_id"])
                offset += len(found["ids"])
        return owners

    def delete_chunks(self, workspace: str, chunk_ids: list[str]) -> None:
        """Delete these chunks and their sentences."""
        self._text(workspace).delete_chunks(workspace, chunk_ids)
        for part in _batches(chunk_ids):
            batch = chunk_ids[part]
            self._chunks(workspace).delete(ids=batch)
            self._sentences(workspace).delete(
                where={"chunk_id": {"$in": batch}})  # type: ignore[dict-item]
