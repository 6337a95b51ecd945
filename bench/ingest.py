"""Ingest benchmark: end-to-end ingest of the samples (copied to ~100 pages) against the model.

``raw`` is the reference the goal is measured against: all-MiniLM-L6-v2 in full precision
(the torch backend) embedding the chunks alone, once per copy, in this same run. End to end
uses the configured embedding backend (``ASSAY_EMBEDDING__BACKEND``) and counts everything
ingestion does: parsing, chunking, chunk and sentence vectors, the store and the database,
as ``assay ingest`` runs it (``Ingestor.ingest_all``: the files embedded in groups).
``raw_sentence_seconds`` is the same model embedding the chunks' sentences alone, each
distinct sentence of a document once (as ingest does); ``ceiling_ratio`` is the ratio
ingest would reach if nothing but the two model passes cost anything.

Run: `make bench`, or `.venv/bin/python bench/ingest.py [--json]`.
"""

from __future__ import annotations

import argparse
import json
import math
import resource
import shutil
import tempfile
import time
from collections.abc import Mapping
from pathlib import Path

from service.components.embedding import LocalEmbedder, build_embedder
from service.components.parsers import split_sentences
from service.composition import build_context
from service.pipeline.evidence_kind import TABULAR
from service.pipeline.ingest import Ingestor, expand_paths
from service.pipeline.ingest_stages import parse_and_chunk, validate
from service.pipeline.ingest_vectors import embedded_text
from service.pipeline.screening import is_injection
from service.settings import Settings

SAMPLES = Path(__file__).resolve().parents[1] / "samples"
TARGET_PAGES = 100
CHARS_PER_PAGE = 3000


def sample_texts(settings: Settings) -> tuple[list[str], list[str], int]:
    """The texts of the samples' chunks as embedded, their distinct sentences, and the pages."""
    chunks: list[str] = []
    sentences: list[str] = []
    pages = 0
    for path, _ in expand_paths([SAMPLES]):
        validated = validate(path, settings.ingest)
        chunked = parse_and_chunk(validated, settings.ingest)
        chunks.extend(embedded_text(c.heading, c.text) for c in chunked.chunks)
        prose = validated.doc_type not in TABULAR
        sentences.extend(dict.fromkeys(
            text for c in chunked.chunks if not is_injection(c.text)
            for text in split_sentences(c.text, prose=prose)))
        chars = sum(len(p.text) for p in chunked.parsed.passages)
        pages += chunked.parsed.pages or math.ceil(chars / CHARS_PER_PAGE)
    return chunks, sentences, pages


def measure() -> dict[str, float | int | str]:
    """Run both measurements in one process; the figures as one flat mapping."""
    settings = Settings(data_dir=Path(tempfile.mkdtemp(prefix="assay-bench-")))
    chunk_texts, sentence_texts, pages = sample_texts(settings)
    copies = math.ceil(TARGET_PAGES / pages)

    reference = LocalEmbedder(batch_size=settings.embedding.batch_size, backend="torch")
    reference.embed(chunk_texts[:8])  # load the model outside the timings
    start = time.perf_counter()
    for _ in range(copies):
        reference.embed(chunk_texts)
    raw_seconds = time.perf_counter() - start
    start = time.perf_counter()
    for _ in range(copies):
        reference.embed(sentence_texts)
    raw_sentence_seconds = time.perf_counter() - start

    embedder = build_embedder(settings.embedding)
    embedder.embed(chunk_texts[:8])
    corpus = settings.data_dir.parent / f"{settings.data_dir.name}-corpus"
    for copy in range(copies):
        shutil.copytree(SAMPLES, corpus / f"copy{copy}")
    ingestor = Ingestor(build_context(settings, embedder), "bench")
    start = time.perf_counter()
    chunks = sum(outcome.chunks for outcome in ingestor.ingest_all(expand_paths([corpus])))
    elapsed = time.perf_counter() - start
    shutil.rmtree(corpus)
    shutil.rmtree(settings.data_dir)

    raw_rate = copies * len(chunk_texts) / raw_seconds
    e2e_rate = chunks / elapsed
    return {
        "backend": settings.embedding.backend,
        "pages": copies * pages,
        "chunks": chunks,
        "sentences": copies * len(sentence_texts),
        "seconds": round(elapsed, 2),
        "raw_seconds": round(raw_seconds, 2),
        "raw_sentence_seconds": round(raw_sentence_seconds, 2),
        "raw_chunks_per_s": round(raw_rate, 2),
        "end_to_end_chunks_per_s": round(e2e_rate, 2),
        "ratio": round(e2e_rate / raw_rate, 3),
        "ceiling_ratio": round(raw_seconds / (raw_seconds + raw_sentence_seconds), 3),
        "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args()
    report(measure(), args.json)


def report(figures: Mapping[str, object], as_json: bool) -> None:
    """Print the figures as one JSON object, or as a Markdown table."""
    if as_json:
        print(json.dumps(figures))
        return
    print("| figure | value |\n|---|---|")
    for name, value in figures.items():
        print(f"| {name} | {value} |")


if __name__ == "__main__":
    main()
