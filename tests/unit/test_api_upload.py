"""Streamed uploads: the file part lands on disk, the limit holds while streaming."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI, Request
from fastapi.testclient import TestClient

from service.api.errors import install_error_handlers
from service.errors import InvalidInputError
from service.pipeline.upload import receive_upload, safe_name, sweep_uploads, upload_folder

LIMIT = 1000


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return tmp_path / "incoming"


@pytest.fixture
def client(folder: Path) -> Iterator[TestClient]:
    app = FastAPI()
    install_error_handlers(app)

    @app.post("/upload")
    async def upload(request: Request) -> dict[str, object]:
        received = await receive_upload(request, folder, LIMIT)
        return {"name": received.name, "size": received.size,
                "bytes": received.path.read_bytes().decode()}

    with TestClient(app) as test_client:
        yield test_client


@pytest.mark.parametrize(("raw", "name"), [
    ("policy.pdf", "policy.pdf"), ("../../etc/passwd", "passwd"),
    ("C:\\Users\\me\\minutes.docx", "minutes.docx"), ("a\x00b\x1f.md", "ab.md"),
])
def test_file_names_lose_their_directories(raw: str, name: str) -> None:
    assert safe_name(raw) == name


@pytest.mark.parametrize("raw", ["", "..", "dir/", " / "])
def test_unusable_names_are_refused(raw: str) -> None:
    with pytest.raises(InvalidInputError, match="usable file name"):
        safe_name(raw)


def test_the_file_part_is_written_to_disk(client: TestClient, folder: Path) -> None:
    response = client.post("/upload", data={"note": "x"},
                           files={"file": ("../notes.md", b"# Notes\n")})
    assert response.json() == {"name": "notes.md", "size": 8, "bytes": "# Notes\n"}
    assert (folder / "notes.md").read_bytes() == b"# Notes\n"


def test_a_file_at_the_limit_passes_and_one_byte_more_is_413(
    client: TestClient, folder: Path
) -> None:
    assert client.post("/upload", files={"file": ("a.txt", b"a" * LIMIT)}).status_code == 200
    over = client.post("/upload", files={"file": ("b.txt", b"b" * (LIMIT + 1))})
    assert (over.status_code, over.json()["error"]["code"]) == (413, "file_too_large")
    assert not folder.exists()


def test_the_limit_holds_without_a_content_length(client: TestClient, folder: Path) -> None:
    def body() -> Iterator[bytes]:
        yield b'--xx\r\nContent-Disposition: form-data; name="file"; filename="c.txt"\r\n\r\n'
        for _ in range(5):
            yield b"c" * 400
        yield b"\r\n--xx--\r\n"

    response = client.post("/upload", content=body(),
                           headers={"Content-Type": "multipart/form-data; boundary=xx"})
    assert response.status_code == 413
    assert not folder.exists()


@pytest.mark.parametrize(("headers", "content", "message"), [
    ({"Content-Type": "application/json"}, b"{}", "must be multipart/form-data"),
    ({"Content-Type": "multipart/form-data; boundary=xx"},
     b'--xx\r\nContent-Disposition: form-data; name="other"\r\n\r\nv\r\n--xx--\r\n',
     "no 'file' part"),
    ({"Content-Type": "multipart/form-data; boundary=xx"}, b"--xx\r\nbroken\x00\r\n\r\n",
     "malformed"),
])
def test_bad_uploads_are_422(client: TestClient, headers: dict[str, str], content: bytes,
                             message: str) -> None:
    response = client.post("/upload", content=content, headers=headers)
    assert response.status_code == 422, response.text
    assert message in response.json()["error"]["message"]


def test_upload_folders_of_dead_work_are_swept(tmp_path: Path) -> None:
    old = upload_folder(tmp_path, "axel", limit=5)
    fresh = upload_folder(tmp_path, "axel", limit=5)
    day_ago = time.time() - 2 * 24 * 3600
    os.utime(old, (day_ago, day_ago))
    assert sweep_uploads(tmp_path) == 1
    assert [p.exists() for p in (old, fresh)] == [False, True]
