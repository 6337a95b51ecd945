"""Real services for the scale-out tests: a `chroma run` server, a Redis database of our
own, and `assay worker` processes, each started by the test on 127.0.0.1."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
REDIS_HOST, REDIS_PORT = "127.0.0.1", 6379
CLI = "from service.cli import main; main()"


def free_port() -> int:
    """A TCP port nobody listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def chroma_server(path: Path) -> Iterator[int]:
    """A `chroma run` server over ``path``; yields its port, stops it afterwards."""
    beside = Path(sys.executable).parent / "chroma"
    binary = str(beside) if beside.exists() else shutil.which("chroma")
    if binary is None:
        pytest.skip("the `chroma` command of the chromadb package is not on PATH")
    port = free_port()
    process = subprocess.Popen(
        [binary, "run", "--path", str(path), "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v2/heartbeat", timeout=1)
                break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError("chroma run did not start") from None
                time.sleep(0.2)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=10)


@contextmanager
def redis_database() -> Iterator[str]:
    """The URL of an empty Redis database (of the 16) on 127.0.0.1:6379, emptied afterwards."""
    redis = pytest.importorskip("redis")
    for index in range(15, 0, -1):
        client = redis.Redis(host=REDIS_HOST, port=REDIS_PORT, db=index)
        try:
            if client.dbsize() == 0 and client.set("assay-test-claim", "1", nx=True):
                break
        except redis.exceptions.ConnectionError as error:
            if os.environ.get("CI", "").lower() == "true":
                pytest.fail(f"Redis is not reachable at {REDIS_HOST}:{REDIS_PORT}: {error}")
            pytest.skip(f"Redis is not reachable at {REDIS_HOST}:{REDIS_PORT}: {error}")
    else:
        pytest.skip("no empty Redis database to test with")
    try:
        yield f"redis://{REDIS_HOST}:{REDIS_PORT}/{index}"
    finally:
        client.flushdb()
        client.close()


class Worker:
    """An `assay worker` process in its own process group, logging to a file."""

    def __init__(self, env: dict[str, str], log: Path) -> None:
        self._env = os.environ | env | {"PYTHONPATH": str(REPO), "HF_HUB_OFFLINE": "1"}
        self._log = log
        self._log_start = 0
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        """Start the worker (it loads its models as it starts)."""
        self._log_start = self._log.stat().st_size if self._log.exists() else 0
        with self._log.open("ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-c", CLI, "worker"], cwd=REPO, env=self._env,
                stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
            )

    def wait_ready(self, timeout: float = 600) -> None:
        """Wait until this start of the worker consumes the queue (Celery logs ``ready.``)."""
        deadline = time.monotonic() + timeout
        while True:
            with self._log.open("rb") as log:
                log.seek(self._log_start)
                if b" ready." in log.read():
                    return
            assert self.process is not None and self.process.poll() is None, self.log()
            if time.monotonic() > deadline:
                raise RuntimeError(f"the worker was not ready in {timeout} s: {self.log()}")
            time.sleep(0.1)

    def kill(self) -> None:
        """SIGKILL the worker's whole process group, as a crash or an OOM killer would."""
        assert self.process is not None
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self) -> None:
        """Stop the worker if it runs: a warm shutdown, then SIGKILL if it lingers."""
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.kill()

    def log(self) -> str:
        """What the worker printed."""
        return self._log.read_text(encoding="utf-8", errors="replace")[-4000:]


class PrivateRedis:
    """A `redis-server` of the test's own on a free port, with an append-only file, that
    the test may stop and start again (the shared one on 6379 is left alone)."""

    def __init__(self, folder: Path) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            pytest.skip("redis-server is not installed")
        self._command = [binary, "--port", str(free_port()), "--bind", "127.0.0.1",
                         "--dir", str(folder), "--appendonly", "yes", "--save", ""]
        self.url = f"redis://127.0.0.1:{self._command[2]}/0"
        folder.mkdir(parents=True, exist_ok=True)
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        """Start the server and wait until it accepts connections."""
        self.process = subprocess.Popen(self._command, stdout=subprocess.DEVNULL,
                                        stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", int(self._command[2])), 1).close()
                return
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError("redis-server did not start") from None
                time.sleep(0.1)

    def stop(self) -> None:
        """Stop the server (SIGTERM: it flushes its append-only file)."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=30)
