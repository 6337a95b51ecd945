"""The web upload is the API's: streamed with the same limit, the same safe name, the CSRF
token from a header without reading the body."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from service.app import create_app
from service.components.embedding import FakeEmbedder
from service.pipeline.members import add_member
from service.pipeline.storage import open_database
from service.pipeline.users import create_token, create_user, create_workspace
from service.settings import Settings
from tests.web_helpers import sign_in

LIMIT = 4096
BOUNDARY = "assayboundary"


@pytest.fixture
def assessor(tmp_path: Path) -> Iterator[tuple[TestClient, str, Path]]:
    """A signed-in assessor of workspace qa, with a 4 KiB upload limit; and the data dir."""
    settings = Settings(data_dir=tmp_path / "data", ingest={"max_file_bytes": LIMIT})
    settings.data_dir.mkdir()
    with open_database(settings)() as session:
        create_workspace(session, "qa", actor="test")
        create_user(session, "axel", is_admin=False, actor="test")
        add_member(session, "qa", "axel", "assessor", actor="test")
        token = create_token(session, "axel", actor="test").token
    with TestClient(create_app(settings, embedder=FakeEmbedder())) as client:
        csrf = sign_in(client, token)
        yield client, csrf, settings.data_dir


def multipart(name: str, body: bytes) -> bytes:
    return (f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; "
            f"filename=\"{name}\"\r\nContent-Type: text/plain\r\n\r\n").encode() + body + \
        f"\r\n--{BOUNDARY}--\r\n".encode()


def chunked(body: bytes) -> Iterator[bytes]:
    """The body in 1 KiB pieces, sent without a Content-Length."""
    for start in range(0, len(body), 1024):
        yield body[start:start + 1024]


def test_a_chunked_upload_over_the_limit_is_refused_as_it_streams(
    assessor: tuple[TestClient, str, Path]
) -> None:
    client, csrf, data_dir = assessor
    body = multipart("big.txt", b"x" * (LIMIT * 100))
    response = client.post(
        "/w/qa/documents/upload", content=chunked(body),
        headers={"X-CSRF-Token": csrf, "Accept": "application/json",
                 "Content-Type": f"multipart/form-data; boundary={BOUNDARY}"})
    assert response.status_code == 413, response.text
    assert "over the limit of 4,096 bytes" in response.json()["error"]
    assert list((data_dir / "uploads").iterdir()) == []


def test_the_web_keeps_the_api_safe_name(assessor: tuple[TestClient, str, Path]) -> None:
    client, csrf, _data_dir = assessor
    headers = {"X-CSRF-Token": csrf, "Accept": "application/json"}
    text = b"# Access\n\nAccess rights are reviewed every quarter.\n"
    raw = {"Content-Type": f"multipart/form-data; boundary={BOUNDARY}"}
    named = client.post("/w/qa/documents/upload", headers=headers | raw,
                        content=multipart("..\\dir/po\x01li\x1bcy.md", text))
    assert named.status_code == 200, named.text
    assert named.json()["document"] == "policy.md"
    too_long = client.post("/w/qa/documents/upload", headers=headers,
                           files={"file": ("a" * 300 + ".md", text)})
    assert too_long.status_code == 422
    assert "usable file name" in too_long.json()["error"]


def test_a_multipart_body_is_not_read_for_the_csrf_token(
    assessor: tuple[TestClient, str, Path]
) -> None:
    client, _csrf, _data_dir = assessor
    # a body that is no multipart at all: parsing it would fail before any token was seen
    refused = client.post(
        "/w/qa/documents/upload", content=b"--nothing like the boundary",
        headers={"Accept": "application/json",
                 "Content-Type": f"multipart/form-data; boundary={BOUNDARY}"})
    assert refused.status_code == 403
    assert "did not come from this site" in refused.json()["error"]
