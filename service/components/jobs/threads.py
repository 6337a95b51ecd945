"""The in-process job back end: a pool of worker threads and an in-memory table of jobs."""

from __future__ import annotations

import logging
import threading
import uuid
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import UTC, datetime

from service.domain.jobs import (
    FINAL_STATES,
    JobCancelledError,
    JobFunction,
    JobState,
    JobStatus,
)
from service.errors import AssayError, NotFoundError

logger = logging.getLogger(__name__)
KEEP_FINISHED = 1000


def _now() -> datetime:
    return datetime.now(UTC)


class _Job:
    """One job's mutable record; every change happens under the runner's lock."""

    def __init__(self, name: str, scope: str | None) -> None:
        self.status = JobStatus(
            id=str(uuid.uuid4()), name=name, scope=scope, state=JobState.QUEUED, percent=0.0,
            current="", cancel_requested=False, result=None, error=None, created_at=_now(),
            started_at=None, finished_at=None,
        )
        self.cancel_event = threading.Event()
        self.future: Future[None] | None = None


class _Control:
    """The ``JobControl`` handed to a running job."""

    def __init__(self, runner: ThreadJobRunner, job: _Job) -> None:
        self._runner = runner
        self._job = job

    @property
    def cancelled(self) -> bool:
        return self._job.cancel_event.is_set()

    def progress(self, percent: float, current: str = "") -> None:
        if self.cancelled:
            raise JobCancelledError
        self._runner._update(self._job, percent=max(0.0, min(100.0, percent)), current=current)


class ThreadJobRunner:
    """Runs jobs on ``workers`` threads of this process; finished jobs are kept in memory."""

    def __init__(self, workers: int) -> None:
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="assay-job")
        self._jobs: dict[str, _Job] = {}
        self._lock = threading.Lock()

    def submit(self, name: str, function: JobFunction, *, scope: str | None = None) -> str:
        """Queue a job and return its id at once."""
        job = _Job(name, scope)
        with self._lock:
            self._forget_old_jobs()
            self._jobs[job.status.id] = job
        job.future = self._pool.submit(self._run, job, function)
        return job.status.id

    def status(self, job_id: str) -> JobStatus:
        """The job's current state."""
        with self._lock:
            return self._get(job_id).status

    def cancel(self, job_id: str) -> JobStatus:
        """Cancel a queued job now, or ask a running one to stop at its next progress report."""
        with self._lock:
            job = self._get(job_id)
            if job.status.state in FINAL_STATES:
                return job.status
            job.cancel_event.set()
            job.status = job.status.model_copy(update={"cancel_requested": True})
        if job.future is not None and job.future.cancel():
            self._finish(job, JobState.CANCELLED)
        return self.status(job_id)

    def shutdown(self) -> None:
        """Cancel every job that has not finished and wait for the running ones to stop."""
        with self._lock:
            pending = [job_id for job_id, job in self._jobs.items()
                       if job.status.state not in FINAL_STATES]
        for job_id in pending:
            self.cancel(job_id)
        self._pool.shutdown(wait=True, cancel_futures=True)

    def _get(self, job_id: str) -> _Job:
        job = self._jobs.get(job_id)
        if job is None:
            raise NotFoundError(f"no job '{job_id}'")
        return job

    def _forget_old_jobs(self) -> None:
        finished = [j for j in self._jobs.values() if j.status.state in FINAL_STATES]
        for job in finished[: max(0, len(finished) - KEEP_FINISHED)]:
            del self._jobs[job.status.id]

    def _update(self, job: _Job, **changes: object) -> None:
        with self._lock:
            job.status = job.status.model_copy(update=changes)

    def _finish(self, job: _Job, state: JobState, **changes: object) -> None:
        self._update(job, state=state, finished_at=_now(), **changes)

    def _run(self, job: _Job, function: JobFunction) -> None:
        if job.cancel_event.is_set():
            self._finish(job, JobState.CANCELLED)
            return
        self._update(job, state=JobState.RUNNING, started_at=_now())
        try:
            result = function(_Control(self, job))
        except JobCancelledError:
            self._finish(job, JobState.CANCELLED)
        except AssayError as error:
            self._finish(job, JobState.FAILED, error=error.message)
        except Exception as error:
            logger.exception("job %s (%s) failed", job.status.id, job.status.name)
            self._finish(job, JobState.FAILED,
                         error=f"the job failed unexpectedly ({type(error).__name__}); "
                               "see the server log")
        else:
            self._finish(job, JobState.DONE, percent=100.0, result=result)
