"""The in-process job back end: a pool of worker threads that run the jobs handed to it."""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

logger = logging.getLogger(__name__)


class ThreadDispatcher:
    """Runs each dispatched job id with ``run`` on one of ``workers`` threads of this process."""

    def __init__(self, workers: int, run: Callable[[str], None]) -> None:
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="assay-job")
        self._run = run

    def dispatch(self, job_id: str) -> None:
        """Queue the job on the pool."""
        self._pool.submit(self._run_logged, job_id)

    def shutdown(self) -> None:
        """Drop what is queued and wait for the running jobs to stop."""
        self._pool.shutdown(wait=True, cancel_futures=True)

    def _run_logged(self, job_id: str) -> None:
        try:
            self._run(job_id)
        except Exception:
            logger.exception("job %s could not be run", job_id)
