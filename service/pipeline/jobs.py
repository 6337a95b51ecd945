"""Jobs kept in the database, run under leases by whichever process gets them.

``JobService`` is the one job interface of every back end: it records a job, hands its id to
a dispatcher (worker threads of this process, or Celery), and runs jobs given to it with
``execute``. A run first claims the job's lease; while it runs, a keeper thread renews the
leases of this process's jobs and reaps jobs whose holder died (a lapsed lease), putting
them back on the queue. A lease that is still live is never touched: a starting process
does not take, fail or interrupt a job that another live process holds.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import uuid
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta

from service.db import JobRow, Session, sessionmaker
from service.db import jobs as store
from service.db.tables import utcnow
from service.domain.jobs import (
    JobCancelledError,
    JobDispatcher,
    JobHandler,
    JobLostError,
    JobParams,
    JobState,
    JobStatus,
)
from service.errors import AssayError, NotFoundError, ServiceBusyError
from service.settings import JobsSettings

logger = logging.getLogger(__name__)


def process_holder() -> str:
    """A name for this process as a lease holder: host, pid and a random part."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def _utc(moment: datetime | None) -> datetime | None:
    """A stored time as UTC-aware (SQLite gives them back without their zone)."""
    return moment.replace(tzinfo=UTC) if moment and moment.tzinfo is None else moment


def job_status(row: JobRow) -> JobStatus:
    """The domain view of a job row, its times in UTC."""
    return JobStatus(
        id=row.id, name=row.kind, scope=row.scope, state=JobState(row.state),
        percent=row.percent, current=row.current, cancel_requested=row.cancel_requested,
        result=row.result, error=row.error, created_at=_utc(row.created_at) or row.created_at,
        started_at=_utc(row.started_at), finished_at=_utc(row.finished_at),
    )


class _Control:
    """The ``JobControl`` of one run: progress goes to the job's row, which renews the lease."""

    def __init__(self, service: JobService, job_id: str) -> None:
        self._service = service
        self._job_id = job_id

    def progress(self, percent: float, current: str = "") -> None:
        if self._service.stopping.is_set():
            raise JobLostError("this process is stopping")
        with self._service.sessions() as session:
            row = store.report_progress(session, self._job_id, self._service.holder,
                                        self._service.lease, max(0.0, min(100.0, percent)),
                                        current)
        if row is None:
            raise JobLostError("another process holds this job now")
        if row.cancel_requested:
            raise JobCancelledError


class JobService:
    """Submit, run, watch and cancel jobs whose state lives in the database.

    ``hold_queued`` (threads mode): the jobs this process queues stay in its memory, so it
    holds their leases from the start; with Celery the broker keeps queued jobs.
    """

    def __init__(
        self, sessions: sessionmaker[Session], handlers: Mapping[str, JobHandler],
        settings: JobsSettings, *, hold_queued: bool,
    ) -> None:
        self.sessions = sessions
        self.holder = process_holder()
        self.lease = timedelta(seconds=settings.lease_seconds)
        self.stopping = threading.Event()
        self._handlers = dict(handlers)
        self._hold_queued = hold_queued
        self._requeue_lease = timedelta(seconds=settings.visibility_timeout)
        self._dispatcher: JobDispatcher | None = None
        self._active: set[str] = set()  # the jobs whose leases this process renews
        self._running: set[str] = set()
        self._lock = threading.Lock()
        self._keeper = threading.Thread(target=self._keep, name="assay-job-keeper", daemon=True)

    def register(self, kind: str, handler: JobHandler) -> None:
        """Run jobs of ``kind`` with ``handler`` (every process that runs them registers it)."""
        self._handlers[kind] = handler

    def attach(self, dispatcher: JobDispatcher) -> None:
        """Set the dispatcher that runs this service's jobs, and start the keeper."""
        self._dispatcher = dispatcher
        self._keeper.start()

    @property
    def dispatcher(self) -> JobDispatcher:
        """Where queued jobs go."""
        if self._dispatcher is None:
            raise RuntimeError("the job service has no dispatcher yet")
        return self._dispatcher

    def submit(self, kind: str, params: JobParams, *, scope: str | None = None) -> str:
        """Record a job of a registered kind and queue it; returns its id at once."""
        if kind not in self._handlers:
            raise NotFoundError(f"no job kind '{kind}'")
        row = JobRow(id=str(uuid.uuid4()), kind=kind, scope=scope, params=params,
                     state=JobState.QUEUED.value, percent=0.0, current="",
                     cancel_requested=False, attempts=0)
        if self._hold_queued:
            row.lease_holder, row.lease_expires = self.holder, utcnow() + self.lease
            with self._lock:
                self._active.add(row.id)
        with self.sessions() as session:
            store.add_job(session, row)
            session.commit()
        try:
            self.dispatcher.dispatch(row.id)
        except Exception as error:
            logger.exception("job %s could not be queued", row.id)
            with self.sessions() as session:
                store.finish_job(session, row.id, row.lease_holder, state=JobState.FAILED.value,
                                 error="the job queue is unreachable")
            raise ServiceBusyError("the job queue is unreachable; try again shortly") from error
        return row.id

    def status(self, job_id: str) -> JobStatus:
        """The job's current state, as any process recorded it."""
        with self.sessions() as session:
            row = store.get_job(session, job_id)
        if row is None:
            raise NotFoundError(f"no job '{job_id}'")
        return job_status(row)

    def cancel(self, job_id: str) -> JobStatus:
        """Cancel a queued job at once, or ask a running one to stop at its next step."""
        self.status(job_id)
        with self.sessions() as session:
            store.request_cancel(session, job_id, self.holder)
        return self.status(job_id)

    def execute(self, job_id: str) -> None:
        """Run the job here if its lease can be had; a job held or finished is left alone."""
        with self._lock:
            if job_id in self._running:
                return  # a second delivery to the process already running it
            self._running.add(job_id)
            self._active.add(job_id)
        try:
            self._execute(job_id)
        finally:
            with self._lock:
                self._running.discard(job_id)
                self._active.discard(job_id)

    def shutdown(self) -> None:
        """Stop: running jobs stop at their next step and are left for the next process."""
        self.stopping.set()
        if self._dispatcher is not None:
            self._dispatcher.shutdown()
        if self._keeper.is_alive():
            self._keeper.join(timeout=5)
        with self._lock:
            left = list(self._active)
        if left:
            with self.sessions() as session:
                store.release_leases(session, self.holder, left)

    def reap(self) -> int:
        """Queue again the unfinished jobs whose holder is gone; returns how many."""
        taken = 0
        with self.sessions() as session:
            lapsed = store.expired_jobs(session, utcnow())
            for row in lapsed:
                if row.cancel_requested:
                    store.take_over(session, row, state=JobState.CANCELLED.value,
                                    finished_at=utcnow(), lease_holder=None, lease_expires=None)
                    continue
                holder, lease = ((self.holder, self.lease) if self._hold_queued
                                 else (store.REQUEUED, self._requeue_lease))
                if store.take_over(session, row, state=JobState.QUEUED.value,
                                   lease_holder=holder, lease_expires=utcnow() + lease):
                    taken += 1
                    logger.warning("job %s (%s) lost its holder %s: queued again",
                                   row.id, row.kind, row.lease_holder)
                    if self._hold_queued:
                        with self._lock:
                            self._active.add(row.id)
                    self.dispatcher.dispatch(row.id)
        return taken

    def _keep(self) -> None:
        interval = self.lease.total_seconds() / 3
        while not self.stopping.is_set():
            try:
                with self._lock:
                    active = list(self._active)
                if active:
                    with self.sessions() as session:
                        store.renew_leases(session, self.holder, active, self.lease)
                self.reap()
            except Exception:
                logger.exception("the job keeper's round failed; retrying")
            self.stopping.wait(interval)

    def _execute(self, job_id: str) -> None:
        with self.sessions() as session:
            if not store.claim_job(session, job_id, self.holder, self.lease):
                row = store.get_job(session, job_id)
                if row is not None and row.cancel_requested and row.lease_holder in (
                        None, store.REQUEUED, self.holder):
                    store.finish_job(session, job_id, row.lease_holder,
                                     state=JobState.CANCELLED.value)
                return
            row = store.get_job(session, job_id)
        if row is None:
            return
        handler = self._handlers.get(row.kind)
        outcome: dict[str, object]
        try:
            if handler is None:
                raise NotFoundError(f"no job kind '{row.kind}' in this process")
            result = handler(dict(row.params), _Control(self, job_id))
        except JobLostError:
            if self.stopping.is_set():  # leave it to the next process at once
                with self.sessions() as session:
                    store.release_leases(session, self.holder, [job_id])
            return  # not ours to finish
        except JobCancelledError:
            outcome = {"state": JobState.CANCELLED.value}
        except AssayError as error:
            outcome = {"state": JobState.FAILED.value, "error": error.message}
        except Exception as error:
            logger.exception("job %s (%s) failed", job_id, row.kind)
            outcome = {"state": JobState.FAILED.value,
                       "error": f"the job failed unexpectedly ({type(error).__name__}); "
                                "see the server log"}
        else:
            outcome = {"state": JobState.DONE.value, "percent": 100.0, "result": result}
        with self.sessions() as session:
            store.finish_job(session, job_id, self.holder, **outcome)
