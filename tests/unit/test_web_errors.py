"""Failures in the browser: plain words for people and scripts, never a stack trace."""

from __future__ import annotations

from typing import Annotated

import pytest
from fastapi import APIRouter, FastAPI, Form
from fastapi.testclient import TestClient

from service.errors import NotFoundError
from service.web.errors import UNEXPECTED, WebRoute


@pytest.fixture
def client() -> TestClient:
    router = APIRouter(route_class=WebRoute)

    @router.get("/crash")
    def crash() -> None:
        raise RuntimeError("secret internals at /srv/assay")

    @router.get("/missing")
    def missing() -> None:
        raise NotFoundError("There is no document 'x' in workspace 'qa'.")

    @router.post("/form")
    def form(level: Annotated[int, Form()]) -> dict[str, int]:
        return {"level": level}

    app = FastAPI()
    app.include_router(router)
    return TestClient(app, raise_server_exceptions=False)


def test_an_unexpected_failure_is_an_apology_without_details(client: TestClient) -> None:
    page = client.get("/crash")
    assert page.status_code == 500 and "Server problem" in page.text
    assert "secret internals" not in page.text and "Traceback" not in page.text
    script = client.get("/crash", headers={"Accept": "application/json"})
    assert script.json() == {"error": UNEXPECTED}
    assert "script-src 'self'" in page.headers["content-security-policy"]


def test_expected_failures_keep_their_status_and_message(client: TestClient) -> None:
    page = client.get("/missing")
    assert page.status_code == 404 and "Not found" in page.text
    fragment = client.get("/missing", headers={"HX-Request": "true"})
    assert fragment.status_code == 404 and "<html" not in fragment.text
    assert "There is no document" in fragment.text


def test_invalid_form_fields_are_named(client: TestClient) -> None:
    response = client.post("/form", data={"level": "high"})
    assert response.status_code == 422
    assert "Some fields are missing or not valid: level." in response.text
