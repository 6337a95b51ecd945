"""The Celery back end: jobs go through Redis to `assay worker` processes.

Messages carry only a job id; the job itself is in the database. Tasks are acknowledged
late (after the run), so a worker killed mid-job leaves its message to be delivered again,
and Redis' visibility timeout is shortened from its one-hour default to
``jobs.visibility_timeout``. Redelivery is harmless: a run first claims the job's lease.
"""

from __future__ import annotations

import importlib
import os
import socket
from collections.abc import Callable
from typing import Any

from service.errors import ConfigurationError, MissingExtraError
from service.settings import JobsSettings

TASK = "assay.run_job"
QUEUE = "assay"


def _celery_class() -> Any:
    try:
        return importlib.import_module("celery").Celery
    except ImportError:
        raise MissingExtraError(
            "jobs.mode=celery needs Celery and Redis: pip install 'assay[celery]'") from None


def celery_app(settings: JobsSettings) -> Any:
    """A Celery app on the configured Redis broker, with late acks and a short visibility."""
    if not settings.broker_url:
        raise ConfigurationError("jobs.mode=celery needs ASSAY_JOBS__BROKER_URL "
                                 "(e.g. redis://127.0.0.1:6379/0)")
    transport = {"visibility_timeout": settings.visibility_timeout}
    app = _celery_class()("assay", broker=settings.broker_url, backend=settings.broker_url,
                          set_as_current=False)
    app.conf.update(
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        task_default_queue=QUEUE,
        task_serializer="json",
        accept_content=["json"],
        result_serializer="json",
        result_expires=24 * 3600,
        broker_transport_options=transport,
        result_backend_transport_options=transport,
        broker_connection_retry_on_startup=True,
        worker_hijack_root_logger=False,
        worker_cancel_long_running_tasks_on_connection_loss=False,
    )
    return app


class CeleryDispatcher:
    """Sends job ids to the Celery queue."""

    def __init__(self, settings: JobsSettings) -> None:
        self._app = celery_app(settings)

    def dispatch(self, job_id: str) -> None:
        """Publish the job's id (Celery retries the broker connection a few times)."""
        self._app.send_task(TASK, args=[job_id], queue=QUEUE)

    def shutdown(self) -> None:
        """Close the broker connections of this process."""
        self._app.close()


def run_worker(
    settings: JobsSettings, run: Callable[[str], None], on_shutdown: Callable[[], None]
) -> None:
    """Consume the queue in this process (``workers`` threads) until stopped.

    Every task runs ``run(job_id)`` in this one process, so what ``run`` uses (the database
    pool, the embedding model, the local LLM) is built once for the worker. As the worker
    begins to shut down (SIGTERM), ``on_shutdown`` runs: the running jobs stop at their next
    step and are left to another worker, instead of holding the shutdown up.
    """
    app = celery_app(settings)
    signals = importlib.import_module("celery.signals")
    signals.worker_shutting_down.connect(lambda **_: on_shutdown(), weak=False)

    @app.task(name=TASK, acks_late=True, reject_on_worker_lost=True)  # type: ignore[untyped-decorator]
    def run_job(job_id: str) -> None:
        run(job_id)

    name = f"assay-{os.getpid()}@{socket.gethostname()}"
    app.worker_main(["worker", "--pool=threads", f"--concurrency={settings.workers}",
                     "--queues", QUEUE, "--hostname", name, "--loglevel=INFO",
                     "--without-gossip", "--without-mingle"])
