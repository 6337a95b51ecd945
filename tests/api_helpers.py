"""Helpers for API tests: an app over a data dir, users with tokens, uploads and jobs."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from httpx2 import Response

from service.app import create_app
from service.cli.serve import first_start
from service.components.embedding import Embedder
from service.composition import Services
from service.settings import Settings

JOB_TIMEOUT = 300.0


def api_settings(data_dir: Path, db_url: str | None = None, **sections: Any) -> Settings:
    """Settings over a data dir (and a database URL), with some sections overridden.

    The scripted LLM unless ``llm`` is given: module-scoped fixtures are built before the
    autouse fixture that sets ``ASSAY_LLM__MODE=fake``.
    """
    sections.setdefault("llm", {"mode": "fake"})
    return Settings(data_dir=data_dir, db={"url": db_url}, **sections)


def events(body: str) -> list[tuple[str, dict[str, Any]]]:
    """The (event, data) pairs of a server-sent event stream (the API's and the web's chat)."""
    parsed = []
    for block in body.strip().split("\n\n"):
        lines = block.split("\n")
        name = lines[0].removeprefix("event: ")
        data = "\n".join(line.removeprefix("data: ") for line in lines[1:])
        parsed.append((name, json.loads(data)))
    return parsed


def auth(token: str) -> dict[str, str]:
    """The header that carries a token."""
    return {"Authorization": f"Bearer {token}"}


class Api:
    """A test client and the first admin's token, created as `assay serve` does."""

    def __init__(self, settings: Settings, embedder: Embedder) -> None:
        token = first_start(settings)
        assert token is not None
        self.admin = token
        self.settings = settings
        app = create_app(settings, embedder=embedder)
        self.services: Services = app.state.services
        self.client = TestClient(app, raise_server_exceptions=False)

    def __enter__(self) -> Api:
        self.client.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self.client.__exit__(*exc)

    def call(self, method: str, url: str, token: str | None = None, **kwargs: Any) -> Response:
        """A request as the token's user (the admin by default)."""
        headers = auth(token or self.admin) | kwargs.pop("headers", {})
        return self.client.request(method, url, headers=headers, **kwargs)

    def ok(self, method: str, url: str, token: str | None = None, status: int = 200,
           **kwargs: Any) -> Any:
        """A request that must answer ``status``; its JSON body."""
        response = self.call(method, url, token, **kwargs)
        assert response.status_code == status, (url, response.status_code, response.text)
        return response.json() if response.content else None

    def workspace(self, slug: str) -> None:
        """Create a workspace."""
        self.ok("POST", "/workspaces", json={"slug": slug}, status=201)

    def member(self, name: str, slug: str | None = None, role: str = "viewer") -> str:
        """Create a user (with a role in ``slug``) and return a new token of theirs."""
        self.ok("POST", "/users", json={"name": name}, status=201)
        if slug is not None:
            self.ok("PUT", f"/workspaces/{slug}/members/{name}", json={"role": role})
        token: str = self.ok("POST", f"/users/{name}/tokens", status=201)["token"]
        return token

    def upload(self, slug: str, path: Path, token: str | None = None,
               name: str | None = None) -> Response:
        """Upload a file into a workspace."""
        with path.open("rb") as handle:
            return self.call("POST", f"/workspaces/{slug}/documents", token,
                             files={"file": (name or path.name, handle)})

    def wait(self, job_id: str, token: str | None = None,
             timeout: float = JOB_TIMEOUT) -> dict[str, Any]:
        """Poll a job until it is no longer queued or running; its last status."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            status: dict[str, Any] = self.ok("GET", f"/jobs/{job_id}", token)
            if status["state"] not in ("queued", "running"):
                return status
            time.sleep(0.2)
        raise AssertionError(f"job {job_id} did not finish in {timeout} s")
