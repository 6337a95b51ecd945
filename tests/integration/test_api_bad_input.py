"""Every bad-input class over HTTP gives its documented 4xx in the one error shape."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from service.components.embedding import FakeEmbedder
from tests.api_helpers import Api, api_settings
from tests.integration.test_bad_input import CASES

pytestmark = pytest.mark.integration
STATUS = {"corrupt pdf": 422, "encrypted pdf": 422, "empty file": 422, "mislabelled": 422,
          "unsupported type": 415, "damaged image": 422, "over the size limit": 413,
          "docx zip bomb": 413}
CODES = {413: "file_too_large", 415: "unsupported_type", 422: "rejected_file"}


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    data_dir = tmp_path_factory.mktemp("api-bad-input")
    settings = api_settings(data_dir, ingest={"max_file_bytes": 10**7})
    with Api(settings, FakeEmbedder()) as client:
        client.workspace("qa")
        yield client


@pytest.mark.parametrize("case", [case for case in CASES if case != "missing path"])
def test_a_bad_upload_gets_its_status(case: str, api: Api, tmp_path: Path) -> None:
    path = CASES[case][0](tmp_path)
    if case == "over the size limit":
        path.write_bytes(b"x" * (api.settings.ingest.max_file_bytes + 1))
    response = api.upload("qa", path)
    expected = STATUS[case]
    assert response.status_code in ({413, 422} if case == "docx zip bomb" else {expected})
    error = response.json()["error"]
    assert error["code"] == CODES[response.status_code]
    assert CASES[case][1] in error["message"] or case in ("over the size limit", "docx zip bomb")
    assert api.ok("GET", "/workspaces/qa/documents")["documents"] == []


def test_the_size_limit_holds_while_streaming(api: Api) -> None:
    def body() -> Iterator[bytes]:  # chunked: no Content-Length to trust
        yield b"--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.txt\"\r\n\r\n"
        for _ in range(11):
            yield b"y" * 10**6
        yield b"\r\n--b--\r\n"

    response = api.call("POST", "/workspaces/qa/documents", content=body(),
                        headers={"Content-Type": "multipart/form-data; boundary=b"})
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "file_too_large"
    assert not any((api.settings.data_dir / "uploads").glob("*"))


@pytest.mark.parametrize("url", [
    "/workspaces/qa/documents/0000", "/workspaces/qa/documents/0000/original",
    "/workspaces/qa/assessments/0000", "/workspaces/qa/assessments/0000/report",
    "/workspaces/qa/assessments/0000/proposals", "/jobs/0000", "/frameworks/nope",
    "/frameworks/iso27001-2022/requirements/Z.9.99", "/workspaces/nope/documents",
    "/users/ghost", "/workspaces/qa/conversations/0000",
])
def test_unknown_ids_are_404(url: str, api: Api) -> None:
    response = api.call("GET", url)
    assert response.status_code == 404, response.text
    assert response.json()["error"]["code"] == "not_found"


@pytest.mark.parametrize(("method", "url", "body"), [
    ("POST", "/workspaces/qa/assessments", {"framework": "iso27001-2022", "requirements": 5}),
    ("POST", "/workspaces/qa/assessments", {}),
    ("POST", "/workspaces/qa/search", {"text": ""}),
    ("POST", "/workspaces/qa/retrieve", {"framework": "iso27001-2022"}),
    ("POST", "/users", {"name": "cli:bad"}),
    ("POST", "/workspaces", {"slug": "Bad Slug"}),
])
def test_bad_bodies_are_422(method: str, url: str, body: object, api: Api) -> None:
    response = api.call(method, url, json=body)
    assert response.status_code == 422, response.text
    assert set(response.json()["error"]) == {"code", "message"}
