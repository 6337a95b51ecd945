"""The hostile-file corpus through the CLI and over HTTP: each file ends indexed or rejected
with its reason, the server never answers 500, and what was stored before is intact.

The parse limit is lowered to 10 s so that the file that needs it (400 pages sharing one
content stream) costs 10 s, not the default 30; the per-test timeout is a hang guard.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from service.cli import app
from service.components.embedding import FakeEmbedder
from tests.api_helpers import Api, api_settings
from tests.hostile_files import CORPUS

pytestmark = [pytest.mark.integration, pytest.mark.timeout(300)]
PARSE_SECONDS = 10
GOOD = "Firewall rules are reviewed every six months by the network team."


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    data_dir = tmp_path_factory.mktemp("hostile-api")
    settings = api_settings(data_dir, ingest={"parse_seconds": PARSE_SECONDS},
                            api={"background_upload_bytes": 50 * 1024 * 1024})
    good = data_dir / "firewall.md"
    good.write_text(f"# Network\n\n{GOOD}\n")
    with Api(settings, FakeEmbedder()) as client:
        client.workspace("qa")
        assert client.upload("qa", good).status_code == 201
        yield client


@pytest.mark.parametrize("case", list(CORPUS))
def test_an_upload_ends_indexed_or_rejected_with_its_reason(
    case: str, api: Api, tmp_path: Path
) -> None:
    hostile = CORPUS[case]
    response = api.upload("qa", hostile.build(tmp_path))
    assert response.status_code < 500, response.text
    body = response.json()
    if hostile.outcome == "indexed":
        assert (response.status_code, body["status"]) == (201, "indexed"), response.text
    else:
        assert response.status_code in {413, 415, 422}, response.text
        assert hostile.reason in body["error"]["message"]
    documents = api.ok("GET", "/workspaces/qa/documents")["documents"]
    assert "firewall.md" in {document["document"] for document in documents}
    stored = api.services.context.store.chunks("qa")
    assert GOOD in {chunk.text for chunk in stored if chunk.document == "firewall.md"}


def test_the_cli_ingests_the_corpus_folder_with_a_reason_per_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ASSAY_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("ASSAY_EMBEDDING__MODE", "fake")
    monkeypatch.setenv("ASSAY_INGEST__PARSE_SECONDS", str(PARSE_SECONDS))
    folder = tmp_path / "corpus"
    expected = {}
    for number, hostile in enumerate(CORPUS.values()):
        built = hostile.build(_mkdir(folder / f"{number:02d}"))
        expected[built.relative_to(folder).as_posix()] = hostile
    result = CliRunner().invoke(app, ["ingest", str(folder), "--json"])
    assert result.exit_code == 1, result.output  # some are rejected
    outcomes = {d["document"]: d for d in json.loads(result.stdout)["documents"]}
    assert set(outcomes) == set(expected)
    for name, hostile in expected.items():
        assert outcomes[name]["status"] == hostile.outcome, outcomes[name]
        assert hostile.reason in (outcomes[name]["error"] or ""), outcomes[name]


def _mkdir(path: Path) -> Path:
    path.mkdir(parents=True)
    return path
