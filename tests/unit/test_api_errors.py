"""One JSON error shape for every failure, and never a stack trace in a response."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from service.app import create_app
from service.components.embedding import FakeEmbedder
from service.errors import (
    ConflictError,
    FileTooLargeError,
    ForbiddenError,
    NotFoundError,
    UnsupportedTypeError,
)
from tests.api_helpers import api_settings, auth


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    app = create_app(api_settings(tmp_path / "data"), embedder=FakeEmbedder())
    failures: dict[str, Exception] = {
        "not-found": NotFoundError("no document 'x'"), "forbidden": ForbiddenError("viewer"),
        "conflict": ConflictError("in use"), "too-large": FileTooLargeError("too big"),
        "unsupported": UnsupportedTypeError("'.png'"),
        "crash": RuntimeError("secret at /srv/app.py line 12"),
    }

    @app.get("/boom/{kind}", include_in_schema=False)
    def boom(kind: str) -> None:
        raise failures[kind]

    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


@pytest.mark.parametrize(("kind", "status", "code"), [
    ("not-found", 404, "not_found"), ("forbidden", 403, "forbidden"),
    ("conflict", 409, "conflict"), ("too-large", 413, "file_too_large"),
    ("unsupported", 415, "unsupported_type"),
])
def test_assay_errors_keep_their_status_and_code(
    client: TestClient, kind: str, status: int, code: str
) -> None:
    response = client.get(f"/boom/{kind}")
    assert response.status_code == status
    assert response.json()["error"]["code"] == code
    assert set(response.json()) == {"error"} and set(response.json()["error"]) == {
        "code", "message"}


def test_an_unexpected_error_is_500_without_details(client: TestClient) -> None:
    response = client.get("/boom/crash")
    assert response.status_code == 500
    assert response.json() == {"error": {"code": "internal",
                                         "message": "internal server error; see the server log"}}
    assert "secret" not in response.text and "Traceback" not in response.text


def test_bad_requests_and_unknown_routes_share_the_shape(client: TestClient) -> None:
    assert client.get("/nowhere").json() == {"error": {"code": "not_found",
                                                        "message": "Not Found"}}
    assert client.delete("/health").status_code == 405
    invalid = client.post("/workspaces/qa/search", json={"text": 5}, headers=auth("assay_x"))
    assert invalid.status_code == 401  # the token is checked before the body's fields


def test_validation_errors_are_422_in_the_shape(client: TestClient, tmp_path: Path) -> None:
    from service.cli.serve import first_start

    token = first_start(api_settings(tmp_path / "data"))
    assert token is not None
    response = client.post("/users", headers=auth(token), json={"name": 42, "is_admin": "x"})
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "invalid_request" and "name" in error["message"]
    broken = client.post("/users", headers=auth(token) | {"Content-Type": "application/json"},
                         content=b"{not json")
    assert (broken.status_code, broken.json()["error"]["code"]) == (422, "invalid_request")


def test_the_schema_documents_the_error_shape(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    assert "HTTPValidationError" not in schema["components"]["schemas"]
    path = "/workspaces/{slug}/assessments/{assessment_id}/proposals/{ref}/review"
    review = schema["paths"][path]
    responses = review["post"]["responses"]
    for status in ("401", "403", "404", "422"):
        ref = responses[status]["content"]["application/json"]["schema"]["$ref"]
        assert ref.endswith("/ErrorResponse")
