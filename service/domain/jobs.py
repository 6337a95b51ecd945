"""Jobs: the interface of background work (run, report progress, cancel) and its status.

A job is a ``kind`` (e.g. ``assessment``) with JSON ``params``; the handler registered for
its kind runs it with a ``JobControl``. It reports progress through it, and a pending
cancellation surfaces as ``JobCancelledError`` from ``progress``, so that work stops cleanly at
its next step. What the handler returns (e.g. an assessment id) is the job's result.

Job state lives in the database, so every process answers for every job. A dispatcher hands
a job id to something that runs it: worker threads of this process, or Celery workers.
Since a job may run more than once (a redelivered message, a worker killed mid-way), a
handler must be idempotent: running it again finishes the work instead of repeating it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from enum import StrEnum
from typing import Any, Protocol

from pydantic import BaseModel, ConfigDict, Field


class JobState(StrEnum):
    """Where a job stands; done, failed and cancelled are final."""

    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"


FINAL_STATES = frozenset({JobState.DONE, JobState.FAILED, JobState.CANCELLED})


class JobStatus(BaseModel):
    """A snapshot of a job: its state, progress, result or error."""

    model_config = ConfigDict(frozen=True)

    id: str
    name: str
    scope: str | None = Field(description="What the job belongs to, e.g. a workspace slug.")
    state: JobState
    percent: float = Field(ge=0.0, le=100.0)
    current: str = Field(description="The step last reported, e.g. a requirement ref.")
    cancel_requested: bool
    result: str | None
    error: str | None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None


class JobCancelledError(Exception):
    """Raised inside a job when its cancellation was requested."""


class JobControl(Protocol):
    """What a running job sees: a way to report progress, which stops it once cancelled."""

    def progress(self, percent: float, current: str = "") -> None:
        """Report progress (0-100); raises ``JobCancelledError`` once cancellation is requested."""
        ...


class JobLostError(Exception):
    """Raised inside a job whose lease another process took over: it must stop, silently."""


JobParams = dict[str, Any]
JobHandler = Callable[[JobParams, JobControl], str | None]


class JobDispatcher(Protocol):
    """Hands a queued job's id to whatever runs it."""

    def dispatch(self, job_id: str) -> None:
        """Have the job run (now or when a worker is free)."""
        ...

    def shutdown(self) -> None:
        """Stop taking jobs; wait for the running ones of this process, if any."""
        ...


class JobRunner(Protocol):
    """Submits jobs and answers for them; ``status`` and ``cancel`` raise NotFoundError."""

    def submit(self, kind: str, params: JobParams, *, scope: str | None = None) -> str:
        """Queue a job of a registered kind and return its id at once."""
        ...

    def status(self, job_id: str) -> JobStatus:
        """The job's current state."""
        ...

    def cancel(self, job_id: str) -> JobStatus:
        """Cancel a queued job now, or ask a running one to stop at its next step."""
        ...

    def shutdown(self) -> None:
        """Cancel what is pending and stop the workers."""
        ...
