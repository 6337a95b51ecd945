"""Every API route but /health needs a token, and every workspace route checks a role."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import get_args

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from service.api import deps
from service.app import API_ROUTERS, create_app
from service.components.embedding import FakeEmbedder
from tests.api_helpers import api_settings, auth

ROUTES = [route for router in API_ROUTERS for route in router.routes
          if isinstance(route, APIRoute)]


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    app = create_app(api_settings(tmp_path / "data"), embedder=FakeEmbedder())
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


def _url(route: APIRoute) -> str:
    return route.path.format(**{name: "x" for name in route.param_convertors})


def _dependencies(route: APIRoute) -> set[object]:
    found: set[object] = set()
    pending = list(route.dependant.dependencies)
    while pending:
        dependant = pending.pop()
        found.add(dependant.call)
        pending.extend(dependant.dependencies)
    return found


def test_only_health_answers_without_a_token(client: TestClient) -> None:
    assert client.get("/health").json()["status"] == "ok"
    for route in ROUTES:
        if route.path == "/health":
            continue
        for method in route.methods or ():
            for headers in ({}, auth("assay_not-a-real-token"), {"Authorization": "Basic eA=="}):
                response = client.request(method, _url(route), headers=headers)
                assert response.status_code == 401, (method, route.path, response.text)
                assert response.json()["error"]["code"] == "unauthenticated"
                assert response.headers["WWW-Authenticate"] == "Bearer"


def test_every_workspace_route_checks_a_role_or_admin() -> None:
    role_checks = {get_args(alias)[1].dependency
                   for alias in (deps.ViewerSlug, deps.ReviewerSlug, deps.AssessorSlug)}
    workspace_routes = [r for r in ROUTES if "{slug}" in r.path]
    assert len(workspace_routes) >= 15
    for route in workspace_routes:
        calls = _dependencies(route)
        assert calls & (role_checks | {deps.get_admin}), route.path


def test_every_route_documents_its_errors() -> None:
    for route in ROUTES:
        if route.path == "/health":
            continue
        assert 401 in route.responses, route.path
        assert route.response_model is not None or route.response_class is not None, route.path
