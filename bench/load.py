"""Load benchmark: concurrent users of a real `assay serve` on SQLite or PostgreSQL.

Starts `assay serve` in a subprocess on a free loopback port, over a fresh data dir (and a
fresh PostgreSQL schema), with the fake embedder and LLM: the subject is the server, not the
models. Sets up a workspace with the samples and a small assessment through the API, then
runs N users for a while. Each user loops over API reads (documents, an assessment, its
report and proposals, frameworks, a requirement, /me) and web pages (signed in through the
login form), now and then records a review, and uploads a document once. Prints requests per
second and p50/p95/p99 per endpoint, and every error.

With ``--jobs celery`` the server runs at scale: ``--api-workers`` processes, a Chroma
server (`chroma run`), Redis on 127.0.0.1:6379 and one `assay worker` for the jobs.

Run: `.venv/bin/python -m bench.load --users 50 --seconds 60 --db postgresql`, or
`... --db postgresql --jobs celery --api-workers 2`.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import create_engine, text

from tests.real_services import Worker, chroma_server, redis_database

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "samples"
POSTGRES_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
WORKSPACE = "load"
FRAMEWORK = "iso27001-2022"
REQUIREMENTS = ["A.5.1", "A.5.15", "A.5.24", "A.8.13", "A.5.35"]
PEOPLE = 10  # reviewers with tokens; the virtual users share them round-robin
REVIEW_SHARE = 0.03  # of each user's requests
KEEPALIVE_SECONDS = 3.0
START_TIMEOUT = 300.0  # a busy machine imports slowly, each API process on its own
REQUEST_TIMEOUT = 60.0
CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')


@dataclass
class Target:
    """A running server with its data: URL, tokens, the assessment and what it proposed."""

    url: str
    admin: str
    tokens: list[str]
    assessment: str
    refs: list[str]
    job: str


@dataclass
class Stats:
    """Latencies (seconds) and failures of one endpoint."""

    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


@dataclass
class LoadResult:
    """What a load run measured, per endpoint."""

    users: int
    seconds: float
    endpoints: dict[str, Stats]

    @property
    def requests(self) -> int:
        """Requests answered or failed, all endpoints."""
        return sum(len(s.latencies) + len(s.errors) for s in self.endpoints.values())

    @property
    def errors(self) -> list[str]:
        """Every failure, as ``endpoint: what happened``."""
        return [f"{name}: {e}" for name, s in self.endpoints.items() for e in s.errors]

    def percentile(self, q: float, name: str | None = None) -> float:
        """The ``q``-th percentile latency (seconds) of one endpoint, or of all."""
        values = sorted(v for n, s in self.endpoints.items() if name in (None, n)
                        for v in s.latencies)
        if len(values) < 2:
            return values[0] if values else 0.0
        return statistics.quantiles(values, n=100, method="inclusive")[round(q) - 1]

    def summary(self) -> str:
        """A Markdown table per endpoint, then the totals."""
        ms = 1000.0
        lines = ["| endpoint | requests | errors | p50 ms | p95 ms | p99 ms |",
                 "|---|---|---|---|---|---|"]
        for name in sorted(self.endpoints):
            s = self.endpoints[name]
            lines.append(f"| {name} | {len(s.latencies) + len(s.errors)} | {len(s.errors)} | "
                         f"{self.percentile(50, name) * ms:.0f} | "
                         f"{self.percentile(95, name) * ms:.0f} | "
                         f"{self.percentile(99, name) * ms:.0f} |")
        lines.append(
            f"\n{self.users} users, {self.seconds:.0f} s: {self.requests} requests, "
            f"{len(self.errors)} errors, {self.requests / self.seconds:.1f} requests/s, "
            f"p50 {self.percentile(50) * ms:.0f} ms, p95 {self.percentile(95) * ms:.0f} ms, "
            f"p99 {self.percentile(99) * ms:.0f} ms")
        return "\n".join(lines)


def free_port() -> int:
    """A loopback port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def postgres_schema() -> Iterator[str]:
    """A database URL on a fresh schema of the local PostgreSQL server, dropped afterwards."""
    schema = f"assay_load_{uuid.uuid4().hex[:10]}"
    admin = create_engine(POSTGRES_SERVER)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield f"{POSTGRES_SERVER}?options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@contextmanager
def database(kind: str, data_dir: Path) -> Iterator[str]:
    """A fresh database URL: a SQLite file in the data dir, or a PostgreSQL schema."""
    if kind == "sqlite":
        yield f"sqlite:///{data_dir / 'assay.db'}"
    else:
        with postgres_schema() as url:
            yield url


@contextmanager
def assay_serve(
    data_dir: Path, db_url: str, log: Path, scale: dict[str, str] | None = None,
    api_workers: int = 1,
) -> Iterator[tuple[str, str]]:
    """`assay serve` on a free loopback port, fake models; yields its URL and admin token.

    Its output goes to ``log`` (the first line is the admin's token), so that the access
    log never fills a pipe.
    """
    port = free_port()
    env = os.environ | {
        "ASSAY_DATA_DIR": str(data_dir), "ASSAY_DB__URL": db_url,
        "ASSAY_EMBEDDING__MODE": "fake", "ASSAY_LLM__MODE": "fake",
        "ASSAY_API__WARM_UP": "false", "HF_HUB_OFFLINE": "1", "PYTHONUNBUFFERED": "1",
        # the simulated users all upload as the admin: one user's bound on pending uploads
        # would refuse them, which is not what the load run measures
        "ASSAY_API__MAX_PENDING_UPLOADS": "10000",
        "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])),
    } | (scale or {})
    command = [sys.executable, "-c", "from service.cli import main; main()",
               "serve", "--port", str(port), "--workers", str(api_workers)]
    with log.open("wb") as output:
        server = subprocess.Popen(command, env=env, stdout=output, stderr=subprocess.STDOUT,
                                  cwd=REPO)
        try:
            url = f"http://127.0.0.1:{port}"
            _wait_until_up(url, server)
            yield url, _token(log)
        finally:
            server.terminate()
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


def _token(log: Path) -> str:
    for line in log.read_text(encoding="utf-8").splitlines():
        if line.startswith("assay_"):
            return line.strip()
    raise RuntimeError(f"assay serve printed no admin token; see {log}")


def _wait_until_up(url: str, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"assay serve exited with {server.returncode}")
        try:
            if httpx.get(f"{url}/health", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"assay serve did not answer within {START_TIMEOUT:.0f} s")


def prepare(url: str, admin: str) -> Target:
    """A workspace with the samples, an assessment of a few requirements, and its users."""
    with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {admin}"},
                      timeout=REQUEST_TIMEOUT) as api:

        def ok(response: httpx.Response) -> Any:
            if response.status_code >= 300:
                raise RuntimeError(f"{response.request.url}: {response.status_code} "
                                   f"{response.text[:300]}")
            return response.json() if response.content else None

        ok(api.post("/workspaces", json={"slug": WORKSPACE}))
        for path in sorted(SAMPLES.iterdir()):
            with path.open("rb") as handle:
                ok(api.post(f"/workspaces/{WORKSPACE}/documents",
                            files={"file": (path.name, handle)}))
        job = ok(api.post(f"/workspaces/{WORKSPACE}/assessments",
                          json={"framework": FRAMEWORK, "requirements": REQUIREMENTS}))
        status = job
        deadline = time.monotonic() + START_TIMEOUT
        while status["state"] in ("queued", "running") and time.monotonic() < deadline:
            time.sleep(0.2)
            status = ok(api.get(f"/jobs/{job['id']}"))
        if status["state"] != "done":
            raise RuntimeError(f"the assessment job ended {status['state']}: {status['error']}")
        assessment = str(status["result"])
        tokens = []
        for number in range(PEOPLE):
            name = f"user{number}"
            ok(api.post("/users", json={"name": name}))
            ok(api.put(f"/workspaces/{WORKSPACE}/members/{name}", json={"role": "reviewer"}))
            tokens.append(ok(api.post(f"/users/{name}/tokens"))["token"])
        proposals = ok(api.get(f"/workspaces/{WORKSPACE}/assessments/{assessment}/proposals"))
        refs = [p["ref_id"] for p in proposals["proposals"]]
    return Target(url=url, admin=admin, tokens=tokens, assessment=assessment, refs=refs,
                  job=str(job["id"]))


class User:
    """One virtual user: an API client with a token, and a browser-like client with a cookie."""

    def __init__(self, target: Target, number: int, stats: dict[str, Stats]) -> None:
        self.target = target
        self.number = number
        self.stats = stats
        self.token = target.tokens[number % len(target.tokens)]
        self.random = random.Random(number)
        base = f"/workspaces/{WORKSPACE}"
        run = f"{base}/assessments/{target.assessment}"
        page = f"/w/{WORKSPACE}/assessments/{target.assessment}"
        self.api_reads = {
            "api documents": f"{base}/documents", "api assessment": run,
            "api report": f"{run}/report", "api proposals": f"{run}/proposals",
            "api frameworks": "/frameworks",
            "api requirement": f"/frameworks/{FRAMEWORK}/requirements/A.5.15", "api me": "/me",
            "api job": f"/jobs/{target.job}", "api export csv": f"{run}/export?format=csv",
        }
        self.pages = {
            "web workspaces": "/w", "web documents": f"/w/{WORKSPACE}/documents",
            "web review table": page, "web gaps": f"{page}/gaps",
            "web dashboard": f"{page}/dashboard",
        }
        self.uploaded = False
        # plain HTTP on loopback: no TLS context to build, no proxies from the environment;
        # idle connections are dropped before the server's keep-alive timeout (5 s) ends
        # them, or a request sent as the server closes one would fail
        options: dict[str, Any] = {"base_url": target.url, "timeout": REQUEST_TIMEOUT,
                                   "verify": False, "trust_env": False,
                                   "limits": httpx.Limits(keepalive_expiry=KEEPALIVE_SECONDS)}
        self.api = httpx.AsyncClient(headers={"Authorization": f"Bearer {self.token}"},
                                     **options)
        self.web = httpx.AsyncClient(**options)

    async def close(self) -> None:
        """Close both clients."""
        await self.api.aclose()
        await self.web.aclose()

    async def run(self, start: float, until: float) -> None:
        """Send requests from ``start`` until ``until`` (monotonic clock); upload once."""
        upload_at = start + self.random.uniform(0.2, 0.8) * (until - start)
        while (now := time.monotonic()) < until:
            if not self.uploaded and now >= upload_at:
                self.uploaded = True
                await self.upload(self.api)
            elif self.random.random() < REVIEW_SHARE:
                await self.review(self.api)
            elif self.random.random() < 0.6:
                name, path = self.random.choice(list(self.api_reads.items()))
                await self.call(name, self.api, "GET", path)
            else:
                name, path = self.random.choice(list(self.pages.items()))
                await self.call(name, self.web, "GET", path)

    async def call(self, name: str, client: httpx.AsyncClient, method: str, path: str,
                   expect: int = 200, **kwargs: Any) -> httpx.Response | None:
        """One timed request; anything but ``expect`` is an error of ``name``."""
        stats = self.stats.setdefault(name, Stats())
        began = time.perf_counter()
        try:
            response = await client.request(method, path, **kwargs)
        except httpx.HTTPError as error:
            stats.errors.append(f"{type(error).__name__} after "
                                f"{time.perf_counter() - began:.1f} s")
            return None
        elapsed = time.perf_counter() - began
        if response.status_code != expect:
            stats.errors.append(f"{response.status_code} after {elapsed:.1f} s: "
                                f"{response.text[:200]}")
            return None
        stats.latencies.append(elapsed)
        return response

    async def sign_in(self) -> None:
        """The login form: its CSRF field, then the token; the session cookie stays."""
        form = await self.call("web login form", self.web, "GET", "/login")
        found = CSRF_FIELD.search(form.text) if form is not None else None
        if found is None:
            return
        await self.call("web login", self.web, "POST", "/login", expect=303,
                        data={"token": self.token, "csrf_token": found.group(1), "next": "/w"})

    async def review(self, api: httpx.AsyncClient) -> None:
        """Accept one of the assessment's proposals."""
        ref = self.random.choice(self.target.refs)
        path = f"/workspaces/{WORKSPACE}/assessments/{self.target.assessment}/proposals/" \
               f"{ref}/review"
        await self.call("api review", api, "POST", path, expect=201,
                        json={"action": "accept", "comment": f"load user {self.number}"})

    async def upload(self, api: httpx.AsyncClient) -> None:
        """Upload a small Markdown document of this user's own (as the admin, an assessor)."""
        body = (f"# Load test note {self.number}\n\nUser {self.number} wrote this note at "
                f"{time.time():.3f}. Access reviews happen every quarter.\n").encode()
        await self.call("api upload", api, "POST", f"/workspaces/{WORKSPACE}/documents",
                        expect=201, headers={"Authorization": f"Bearer {self.target.admin}"},
                        files={"file": (f"load-{self.number}-{uuid.uuid4().hex}.md",
                                                    body)})


async def drive(target: Target, users: int, seconds: float) -> LoadResult:
    """Sign ``users`` users in at once, then run them against the target for ``seconds``."""
    stats: dict[str, Stats] = {}
    crowd = [User(target, n, stats) for n in range(users)]
    began = time.monotonic()
    try:
        await asyncio.gather(*(user.sign_in() for user in crowd))
        start = time.monotonic()
        await asyncio.gather(*(user.run(start, start + seconds) for user in crowd))
    finally:
        await asyncio.gather(*(user.close() for user in crowd))
    return LoadResult(users=users, seconds=time.monotonic() - began, endpoints=stats)


def run_load(db: str, users: int, seconds: float, work_dir: Path | None = None,
             jobs: str = "threads", api_workers: int = 1) -> LoadResult:
    """Serve a fresh data dir on ``db`` (sqlite or postgresql), prepare it, drive the users.

    ``jobs="celery"``: a Chroma server, a Redis database and an `assay worker` as well.
    """
    with tempfile.TemporaryDirectory(prefix="assay-load-", dir=work_dir) as folder:
        data_dir = Path(folder) / "data"
        data_dir.mkdir()
        log = Path(folder) / "server.log"
        try:
            with database(db, data_dir) as url, scaled(Path(folder), data_dir, url, jobs) as env,\
                    assay_serve(data_dir, url, log, env, api_workers) as (base, token):
                target = prepare(base, token)
                return asyncio.run(drive(target, users, seconds))
        except Exception:
            sys.stderr.write(log.read_text(encoding="utf-8", errors="replace")[-5000:])
            raise


@contextmanager
def scaled(folder: Path, data_dir: Path, db_url: str, jobs: str) -> Iterator[dict[str, str]]:
    """Nothing for ``threads``; for ``celery``, the services and the settings that use them."""
    if jobs == "threads":
        yield {}
        return
    with chroma_server(folder / "chroma") as port, redis_database() as broker:
        env = {"ASSAY_VECTORSTORE__MODE": "http", "ASSAY_VECTORSTORE__HOST": "127.0.0.1",
               "ASSAY_VECTORSTORE__PORT": str(port), "ASSAY_JOBS__MODE": "celery",
               "ASSAY_JOBS__BROKER_URL": broker}
        worker = Worker(env | {"ASSAY_DATA_DIR": str(data_dir), "ASSAY_DB__URL": db_url,
                               "ASSAY_EMBEDDING__MODE": "fake", "ASSAY_LLM__MODE": "fake"},
                        folder / "worker.log")
        worker.start()
        try:
            yield env
        finally:
            worker.stop()


def main() -> None:
    """Parse the arguments, run, print the figures; exit 1 on any error."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--jobs", choices=["threads", "celery"], default="threads")
    parser.add_argument("--api-workers", type=int, default=1)
    args = parser.parse_args()
    result = run_load(args.db, args.users, args.seconds, jobs=args.jobs,
                      api_workers=args.api_workers)
    print(f"## {args.db}, jobs {args.jobs}, {args.api_workers} API process(es), "
          f"{args.users} users, {args.seconds:.0f} s "
          f"({os.cpu_count()} cores, {time.strftime('%Y-%m-%d')})\n")
    print(result.summary())
    for error in result.errors[:20]:
        print("error:", error)
    sys.exit(1 if result.errors else 0)


if __name__ == "__main__":
    main()
