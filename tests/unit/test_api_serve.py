"""`assay serve`: the first admin's token printed once, and the data dir locked while serving."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from typer.testing import CliRunner, Result

from service.cli import app as cli
from service.datadir import hold_for_writing, lock_path, release_writing, serve_lock
from service.errors import ConflictError
from service.pipeline.ingest import Ingestor, IngestOutcome
from service.settings import Settings

WRITES = [
    ["ingest", "notes.md"], ["documents", "delete", "some-id"],
    ["assess", "--framework", "iso27001-2022"], ["review", "a", "A.5.15", "--accept"],
    ["users", "create", "bob"], ["tokens", "create", "admin"], ["workspaces", "create", "qa"],
    ["members", "add", "qa", "admin", "--role", "viewer"], ["frameworks", "import", "notes.md"],
]


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "notes.md").write_text("# Notes\n\nBackups are tested every month.\n")
    monkeypatch.setenv("ASSAY_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("ASSAY_EMBEDDING__MODE", "fake")
    monkeypatch.delenv("ASSAY_VECTORSTORE__MODE", raising=False)
    return tmp_path / "data"


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


def said(result: Result) -> str:
    """Stderr with rich's line wrapping undone."""
    return " ".join(result.stderr.split())


def test_serve_prints_the_admin_token_once_and_locks_the_data_dir(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    served: list[dict[str, Any]] = []

    def fake_uvicorn(app: object, host: str, port: int, **options: Any) -> None:
        assert options == {"proxy_headers": True, "forwarded_allow_ips": "127.0.0.1"}
        refusals = {" ".join(args): run(*args) for args in WRITES}
        served.append({"host": host, "port": port, "refusals": refusals,
                       "second": run("serve"), "read": run("frameworks", "list", "--json")})

    monkeypatch.setattr(uvicorn, "run", fake_uvicorn)
    first = run("serve", "--port", "8123")
    assert first.exit_code == 0, first.output
    [token] = first.stdout.splitlines()
    assert token.startswith("assay_") and "shown once" in first.stderr
    assert (served[0]["host"], served[0]["port"]) == ("127.0.0.1", 8123)
    for command, refused in served[0]["refusals"].items():
        assert refused.exit_code == 1, (command, refused.output)
        assert "the data dir is in use by `assay serve` (pid " in said(refused), command
        assert "use the API, another data dir, or Chroma server mode" in said(refused)
    assert served[0]["second"].exit_code == 1
    assert "is already served by `assay serve`" in said(served[0]["second"])
    assert served[0]["read"].exit_code == 0

    again = run("serve", "--host", "0.0.0.0")
    assert again.exit_code == 0 and again.stdout == ""  # the token is never printed again
    assert served[1]["host"] == "0.0.0.0"
    assert run("users", "create", "bob").exit_code == 0  # the lock went with the server


def test_the_lock_is_skipped_in_chroma_server_mode(tmp_path: Path) -> None:
    served = Settings(data_dir=tmp_path, vectorstore={"mode": "persistent"})
    shared = Settings(data_dir=tmp_path, vectorstore={"mode": "http"})
    with serve_lock(served):
        assert lock_path(tmp_path).read_text().strip().isdigit()
        with pytest.raises(ConflictError, match="in use by `assay serve`"):
            hold_for_writing(served)
        hold_for_writing(shared)
        with pytest.raises(ConflictError, match="already served"), serve_lock(served):
            pass
    hold_for_writing(served)
    release_writing()


def test_a_cli_writer_holds_the_lock_for_its_whole_run(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = Settings(data_dir=data_dir)
    refused: list[str] = []
    real = Ingestor.ingest_all

    def ingest_while_serve_starts(
        self: Ingestor, files: Iterable[tuple[Path, str]]
    ) -> Iterator[IngestOutcome]:
        with pytest.raises(ConflictError) as error, serve_lock(settings):
            pass  # `assay serve` starting while the ingest runs
        refused.append(error.value.message)
        return real(self, files)

    monkeypatch.setattr(Ingestor, "ingest_all", ingest_while_serve_starts)
    assert run("ingest", "notes.md").exit_code == 0
    assert refused and "is being written by a CLI command" in refused[0]
    with serve_lock(settings):  # the command's share went with it
        pass
