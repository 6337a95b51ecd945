"""Retrieval at scale: one requirement's retrieval in a workspace of 100,000 chunks.

The workspace is synthetic but shaped like real evidence: the samples' chunks and sentences
are embedded once (the configured model), and each synthetic chunk is one of them with a
policy-like sentence added to its text and its vector perturbed (cosine ~0.9 to the real
one), so the lexical index sees realistic words and the vectors realistic neighbourhoods.
Documents of 100 chunks each, ready in the database; one sentence per chunk is stored (the
real ratio is about five). Built once and kept in the data dir (a temporary one unless
``--data-dir`` is given), so a re-run measures only.

Figures: ``retrieve_*`` is ``Retriever.retrieve`` for one requirement (its first call is
reported apart); ``store_p95_ms`` the vector store answering the same batch of query vectors
that retrieval sends for that requirement (its candidate lists), alone; ``bm25_p95_ms`` the
persistent lexical index answering that requirement's queries; ``lexical_first_s`` the
first lexical search of the process, which adds a workspace stored before the index
existed to it (once, then it is kept in the data dir).

Run: `make bench`, or `.venv/bin/python bench/scale.py [--json] [--data-dir DIR]`.
"""

from __future__ import annotations

import argparse
import hashlib
import random
import resource
import tempfile
import time
from pathlib import Path

import numpy as np

from bench.ingest import SAMPLES, report
from service.components.catalog import build_registry
from service.components.embedding import build_embedder
from service.components.embedding.cache import cached_vectors
from service.components.parsers import split_sentences
from service.composition import build_context
from service.db.tables import READY, DocumentRow
from service.db.workspaces import get_or_create_workspace
from service.domain.catalog import FacetKind, Requirement
from service.domain.evidence import Chunk, EvidenceKind, Sentence
from service.domain.visibility import chunk_id
from service.pipeline.context import PipelineContext
from service.pipeline.ingest import expand_paths
from service.pipeline.ingest_stages import parse_and_chunk, validate
from service.pipeline.ingest_vectors import embedded_text
from service.pipeline.retrieve import Retriever, requirement_queries
from service.pipeline.score.matching import claim
from service.pipeline.scoring_setup import retrieval_params
from service.pipeline.visible import visible_documents
from service.settings import Settings

WORKSPACE = "scale"
PER_DOCUMENT = 100
NOISE = 0.025  # per dimension: a perturbed vector keeps a cosine of ~0.9 to its base
BATCH = 5000
SUBJECTS = ["access rights", "backups", "suppliers", "incidents", "encryption keys", "assets",
            "training records", "change requests", "audit logs", "risk treatment plans",
            "vulnerability scans", "business continuity tests", "visitor badges", "passwords"]
ACTIONS = ["are reviewed", "are approved", "are recorded", "are tested", "are retained",
           "are reported", "are classified", "are monitored", "are revoked", "are updated"]
WHO = ["by the system owner", "by the CISO", "by the service desk", "by internal audit",
       "by each department head", "by the data protection officer", "by the supplier manager"]
WHEN = ["every quarter", "once a year", "within 24 hours", "after each change",
        "before go-live", "monthly", "on request of the auditor"]


def base_texts(settings: Settings) -> list[str]:
    """The samples' chunks (as embedded) and their sentences: a few thousand real texts."""
    texts: list[str] = []
    for path, _ in expand_paths([SAMPLES]):
        chunked = parse_and_chunk(validate(path, settings.ingest), settings.ingest)
        for passage in chunked.chunks:
            texts.append(embedded_text(passage.heading, passage.text))
            texts.extend(split_sentences(passage.text, prose=True))
    return sorted(set(texts))


def policy_sentence(rng: random.Random) -> str:
    """One synthetic policy statement."""
    return (f"{rng.choice(SUBJECTS).capitalize()} {rng.choice(ACTIONS)} {rng.choice(WHO)} "
            f"{rng.choice(WHEN)}.")


def build(context: PipelineContext, total: int) -> None:
    """Write the synthetic workspace: document rows, chunks and one sentence each."""
    rng, noise = random.Random(19), np.random.default_rng(19)
    texts = base_texts(context.settings)
    bases = cached_vectors(context.embedder, texts, context.settings.data_dir / "cache" / "scale",
                           "bases")
    documents = []
    with context.sessions() as session:
        space = get_or_create_workspace(session, WORKSPACE)
        for number in range(0, total, PER_DOCUMENT):
            sha = hashlib.sha256(f"doc{number}".encode()).hexdigest()
            row = DocumentRow(
                id=f"00000000-0000-4000-8000-{number:012d}", workspace_id=space.id,
                display_name=f"policies/synthetic-{number // PER_DOCUMENT:04d}.md",
                source_path="synthetic", content_hash=sha, size_bytes=1, doc_type="markdown",
                stored_path="synthetic", chunks=min(PER_DOCUMENT, total - number), state=READY)
            session.add(row)
            documents.append((row.id, row.display_name, sha))
        session.commit()
    for start in range(0, total, BATCH):
        chunks, sentences, picked = [], [], []
        for n in range(start, min(start + BATCH, total)):
            document_id, name, sha = documents[n // PER_DOCUMENT]
            base = rng.randrange(len(texts))
            statement = policy_sentence(rng)
            record = n % 7 == 0
            chunks.append(Chunk(
                chunk_id=chunk_id(document_id, sha, n % PER_DOCUMENT), workspace=WORKSPACE,
                document_id=document_id, document=name, index=n % PER_DOCUMENT,
                text=f"{texts[base]} {statement}", heading=statement.split(" are ")[0],
                kind=EvidenceKind.RECORD if record else EvidenceKind.POLICY))
            sentences.append(Sentence(sentence_id=f"{chunks[-1].chunk_id}:s000",
                                      chunk_id=chunks[-1].chunk_id, document_id=document_id,
                                      text=statement))
            picked.append(base)
        vectors = bases[picked] + noise.normal(0.0, NOISE, (len(picked), bases.shape[1]))
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
        context.store.add(WORKSPACE, chunks, vectors.tolist())
        lifted = bases[picked] + noise.normal(0.0, 2 * NOISE, (len(picked), bases.shape[1]))
        lifted /= np.linalg.norm(lifted, axis=1, keepdims=True)
        context.store.add_sentences(WORKSPACE, sentences, lifted.tolist())


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile in milliseconds, rounded."""
    return round(float(np.percentile(values, q)) * 1000, 1)


def measure(context: PipelineContext, requirements: list[Requirement]) -> dict[str, float]:
    """Time retrieval, the store and the lexical index for each requirement."""
    params = retrieval_params(context.settings.scoring)
    visible = visible_documents(context, WORKSPACE)
    start = time.perf_counter()
    context.store.search_text(WORKSPACE, "access", 1, visible)
    lexical_first = time.perf_counter() - start
    start = time.perf_counter()
    retriever = Retriever(context, WORKSPACE, params)
    setup = time.perf_counter() - start
    retriever.prepare(requirements)
    retrieve, store, bm25 = [], [], []
    for requirement in requirements:
        start = time.perf_counter()
        retriever.retrieve(requirement)
        retrieve.append(time.perf_counter() - start)
        queries = requirement_queries(requirement)
        vectors = retriever.vectors(queries)
        practice = [claim(f.text) for f in requirement.facets if f.kind != FacetKind.DOCUMENTATION]
        start = time.perf_counter()
        context.store.query(WORKSPACE, vectors, params.candidates, visible=visible)
        if practice:
            context.store.query(WORKSPACE, retriever.vectors(practice), params.candidates,
                                EvidenceKind.RECORD, visible)
        store.append(time.perf_counter() - start)
        start = time.perf_counter()
        for query in queries:
            context.store.search_text(WORKSPACE, query, params.candidates, visible)
        bm25.append(time.perf_counter() - start)
    first, rest = retrieve[0], retrieve[1:] or retrieve
    return {
        "retriever_setup_s": round(setup, 2),
        "first_retrieve_ms": round(first * 1000, 1),
        "retrieve_p50_ms": percentile(rest, 50),
        "retrieve_p95_ms": percentile(rest, 95),
        "store_p95_ms": percentile(store, 95),
        "bm25_p95_ms": percentile(bm25, 95),
        "lexical_first_s": round(lexical_first, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--data-dir", type=Path, help="keep (and reuse) the workspace here")
    parser.add_argument("--chunks", type=int, default=100_000)
    parser.add_argument("--requirements", type=int, default=20)
    args = parser.parse_args()
    data_dir = args.data_dir or Path(tempfile.mkdtemp(prefix="assay-scale-"))
    settings = Settings(data_dir=data_dir)
    context = build_context(settings, build_embedder(settings.embedding))
    marker = data_dir / f"scale-{args.chunks}.built"
    start = time.perf_counter()
    if not marker.exists():
        build(context, args.chunks)
        marker.touch()
    built = time.perf_counter() - start
    requirements = build_registry(settings).assessable("iso27001-2022")[: args.requirements]
    figures: dict[str, float | int] = {"chunks": context.store.count(WORKSPACE),
                                       "build_s": round(built, 1)}
    figures |= measure(context, requirements)
    figures["peak_rss_mib"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    report(figures, args.json)


if __name__ == "__main__":
    main()
