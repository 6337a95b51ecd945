"""A live Assay server on 127.0.0.1 and Debian's Chromium driven by Playwright.

The server runs ``create_app`` under uvicorn in a thread, on a free port, over a temporary
data dir: real embeddings and Chroma, the scripted LLM, and the verifier off so that an
assessment takes seconds. Users and tokens are created through the pipeline beforehand.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
import uvicorn

from service.app import create_app
from service.pipeline.jobs import JobService
from service.pipeline.members import add_member
from service.pipeline.storage import open_database
from service.pipeline.users import create_token, create_user, create_workspace
from service.settings import Settings
from tests.conftest import CachingEmbedder

if TYPE_CHECKING:
    from playwright.sync_api import Browser, ConsoleMessage, Page, Response

CHROMIUM = Path("/usr/bin/chromium")
LAUNCH_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
ARTIFACTS = Path(__file__).parent / "artifacts"
WORKSPACE = "qa"
CHAT_ANSWER = "A.5.15 asks for rules that control who may access which information."


BROWSER_MARKS = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.is_file(),
                       reason=f"{CHROMIUM} is missing: install Debian's chromium (make test does)"),
]


@dataclass
class LiveServer:
    """The server's address, the tokens of its users, and its job runner."""

    url: str
    tokens: dict[str, str]
    jobs: JobService


def _users(settings: Settings) -> dict[str, str]:
    sessions = open_database(settings)
    tokens = {}
    with sessions() as session:
        create_workspace(session, WORKSPACE, actor="test")
        for name, role in (("admin", None), ("vera", "viewer"), ("rita", "reviewer")):
            create_user(session, name, is_admin=role is None, actor="test")
            if role is not None:
                add_member(session, WORKSPACE, name, role, actor="test")
            tokens[name] = create_token(session, name, actor="test").token
    return tokens


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory,
                cached_embedder: CachingEmbedder) -> Iterator[LiveServer]:
    """Assay on a free port of 127.0.0.1 until the module's tests are done."""
    settings = Settings(
        data_dir=tmp_path_factory.mktemp("web-data"),
        llm={"mode": "fake", "fake": {"responses": [CHAT_ANSWER]}},
        scoring={"verify": False},
    )
    tokens = _users(settings)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    app = create_app(settings, embedder=cached_embedder)
    config = uvicorn.Config(app, log_level="warning", lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 120  # start-up loads the embedder and the catalogs
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    yield LiveServer(url=f"http://127.0.0.1:{port}", tokens=tokens, jobs=app.state.services.jobs)
    server.should_exit = True
    thread.join(timeout=30)
    sock.close()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Debian's Chromium, headless, offline."""
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        yield launched
        launched.close()


@dataclass
class Watched:
    """A page with the errors its scripts reported and the requests that failed."""

    page: Page
    errors: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)

    def shot(self, name: str) -> Path:
        """Save a full-page screenshot as a test artifact."""
        ARTIFACTS.mkdir(exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path


@pytest.fixture
def watched(browser: Browser) -> Iterator[Watched]:
    """A fresh browser context of laptop size, its console errors collected."""
    context = browser.new_context(viewport={"width": 1366, "height": 820})
    page = context.new_page()
    page.set_default_timeout(15_000)
    seen = Watched(page)

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            seen.errors.append(message.text)

    def on_error(error: Any) -> None:
        seen.errors.append(str(error))

    def on_response(response: Response) -> None:
        if response.status >= 400:
            seen.failed.append(f"{response.status} {response.request.method} {response.url}")

    page.on("console", on_console)
    page.on("pageerror", on_error)
    page.on("response", on_response)
    yield seen
    context.close()


def sign_in(watched: Watched, server: LiveServer, user: str) -> Page:
    """Sign in through the form and land on the workspace picker."""
    page = watched.page
    page.goto(server.url + "/")
    page.get_by_label("API token").fill(server.tokens[user])
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/w")
    return page
