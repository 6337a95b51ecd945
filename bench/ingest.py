"""Ingest benchmark: raw embedding vs end-to-end ingest of the samples scaled to ~100 pages.

Run: `make bench` (or `.venv/bin/python bench/ingest.py`). Prints a Markdown table.
"""

from __future__ import annotations

import math
import resource
import shutil
import tempfile
import time
from pathlib import Path

from service.components.embedding import LocalEmbedder
from service.components.parsers import split_sentences
from service.composition import build_context
from service.pipeline.evidence_kind import TABULAR
from service.pipeline.ingest import Ingestor, embedding_text, expand_paths
from service.pipeline.ingest_stages import parse_and_chunk, validate
from service.settings import Settings

SAMPLES = Path(__file__).resolve().parents[1] / "samples"
TARGET_PAGES = 100
CHARS_PER_PAGE = 3000


def sample_texts(settings: Settings) -> tuple[list[str], list[str], int]:
    """Everything ingestion embeds (chunks, and their sentences apart), and the size in pages."""
    chunks: list[str] = []
    sentences: list[str] = []
    pages = 0
    for path, _ in expand_paths([SAMPLES]):
        chunked = parse_and_chunk(validate(path, settings.ingest), settings.ingest)
        chunks.extend(embedding_text(c) for c in chunked.chunks)
        prose = validate(path, settings.ingest).doc_type not in TABULAR
        sentences.extend(s for c in chunked.chunks for s in split_sentences(c.text, prose=prose))
        chars = sum(len(p.text) for p in chunked.parsed.passages)
        pages += chunked.parsed.pages or math.ceil(chars / CHARS_PER_PAGE)
    return chunks, sentences, pages


def main() -> None:
    settings = Settings(data_dir=Path(tempfile.mkdtemp(prefix="assay-bench-")))
    embedder = LocalEmbedder(batch_size=settings.embedding.batch_size)
    chunk_texts, sentence_texts, pages = sample_texts(settings)
    copies = math.ceil(TARGET_PAGES / pages)
    embedder.embed(chunk_texts[:8])  # load the model outside the timings

    start = time.perf_counter()
    for _ in range(copies):  # as ingestion does: chunks and sentences in separate calls
        embedder.embed(chunk_texts)
        embedder.embed(sentence_texts)
    raw_seconds = time.perf_counter() - start

    corpus = settings.data_dir.parent / f"{settings.data_dir.name}-corpus"
    for copy in range(copies):
        shutil.copytree(SAMPLES, corpus / f"copy{copy}")
    context = build_context(settings, embedder)
    ingestor = Ingestor(context, "bench")
    start = time.perf_counter()
    chunks = sum(ingestor.ingest(path, name).chunks for path, name in expand_paths([corpus]))
    elapsed = time.perf_counter() - start
    raw_rate = chunks / raw_seconds
    e2e_rate = chunks / elapsed
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    rows = [
        ("raw embedding (model alone, chunks and their sentences)", f"{raw_rate:.0f} chunks/s"),
        (f"end-to-end ingest ({copies * pages} pages, {chunks} chunks)",
         f"{e2e_rate:.0f} chunks/s ({elapsed:.1f} s)"),
        ("end-to-end / raw", f"{e2e_rate / raw_rate:.2f} (overhead {raw_rate / e2e_rate - 1:.0%})"),
        ("peak memory (RSS)", f"{peak_mib:.0f} MiB"),
    ]
    print("| figure | value |\n|---|---|")
    for name, value in rows:
        print(f"| {name} | {value} |")
    shutil.rmtree(corpus)
    shutil.rmtree(settings.data_dir)


if __name__ == "__main__":
    main()
