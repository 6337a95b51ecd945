"""The same migrations and document bookkeeping on a real PostgreSQL server."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import inspect

from service.composition import build_context
from service.db import make_engine, migrate
from service.pipeline.ingest import Ingestor
from service.settings import DBSettings, Settings
from tests.conftest import CountingEmbedder
from tests.databases import postgres_schema_url

pytestmark = [pytest.mark.integration, pytest.mark.postgres]


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A fresh schema per test, dropped afterwards (fails under CI=true without a server)."""
    yield from postgres_schema_url()


def test_migrations_create_the_tables(postgres_url: str) -> None:
    engine = make_engine(postgres_url)
    migrate(engine)
    migrate(engine)
    assert {"workspaces", "documents"} <= set(inspect(engine).get_table_names())
    engine.dispose()


def test_ingest_bookkeeping_on_postgres(
    postgres_url: str, tmp_path: Path, real_embedder: object
) -> None:
    settings = Settings(data_dir=tmp_path / "data", db=DBSettings(url=postgres_url))
    counting = CountingEmbedder(real_embedder)  # type: ignore[arg-type]
    context = build_context(settings, counting)
    path = tmp_path / "sop.md"
    path.write_text("# SOP\n\nDeviations are logged within one working day.\n")
    ingestor = Ingestor(context, "qa")
    assert ingestor.ingest(path, "sop.md").status == "indexed"
    embedded = counting.texts
    assert ingestor.ingest(path, "sop.md").status == "unchanged"
    assert counting.texts == embedded
