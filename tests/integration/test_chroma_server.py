"""The http vector-store mode against a real `chroma run` server on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from service.pipeline.ingest import Ingestor
from service.pipeline.search import search
from service.settings import VectorStoreSettings
from tests.conftest import ContextFactory
from tests.real_services import chroma_server as chroma_server_at

pytestmark = pytest.mark.integration


@pytest.fixture
def chroma_server(tmp_path: Path) -> Iterator[int]:
    with chroma_server_at(tmp_path / "chroma-server") as port:
        yield port


def test_ingest_and_search_through_a_chroma_server(
    make_context: ContextFactory, chroma_server: int, tmp_path: Path
) -> None:
    settings = VectorStoreSettings(mode="http", host="127.0.0.1", port=chroma_server)
    context = make_context(vectorstore=settings)
    path = tmp_path / "dr.md"
    path.write_text("# Disaster recovery\n\nThe recovery time objective for the LIMS is 4 hours.\n")
    outcome = Ingestor(context, "default").ingest(path, "dr.md")
    assert outcome.status == "indexed"
    assert not (context.settings.data_dir / "chroma").exists()
    second = make_context(vectorstore=settings, data_dir=context.settings.data_dir)
    hits = search(second, "default", "recovery time objective", 1)
    assert hits[0].chunk.heading == "Disaster recovery"
    assert hits[0].score > 0.5
