"""The http vector-store mode against a real `chroma run` server on 127.0.0.1."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from service.pipeline.ingest import Ingestor
from service.pipeline.search import search
from service.settings import VectorStoreSettings
from tests.conftest import ContextFactory

pytestmark = pytest.mark.integration


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def chroma_server(tmp_path: Path) -> Iterator[int]:
    beside = Path(sys.executable).parent / "chroma"
    binary = str(beside) if beside.exists() else shutil.which("chroma")
    if binary is None:
        pytest.skip("the `chroma` command of the chromadb package is not on PATH")
    port = _free_port()
    process = subprocess.Popen(
        [binary, "run", "--path", str(tmp_path / "chroma-server"), "--host", "127.0.0.1",
         "--port", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v2/heartbeat", timeout=1)
                break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError("chroma run did not start") from None
                time.sleep(0.2)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=10)


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
