"""Jobs: the interface of background work (run, report progress, cancel) and its status.

A job is a function of a ``JobControl``. It reports progress through it, and a pending
cancellation surfaces as ``JobCancelledError`` from ``progress``, so that work stops cleanly at
its next step. What the function returns (e.g. an assessment id) is the job's result.

The in-process back end runs closures on worker threads. A Celery back end can sit behind
the same ``JobRunner`` protocol: ``name`` then selects a registered task, and the function
must be importable with picklable arguments (a module-level function under
``functools.partial``), since it runs in another process.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from enum import StrEnum
from typing import Protocol

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
    """What a running job sees: a way to report progress and to learn it was cancelled."""

    @property
    def cancelled(self) -> bool:
        """Whether cancellation was requested."""
        ...

    def progress(self, percent: float, current: str = "") -> None:
        """Report progress (0-100); raises ``JobCancelledError`` once cancellation is requested."""
        ...


JobFunction = Callable[[JobControl], str | None]


class JobRunner(Protocol):
    """Submits jobs and answers for them; ``status`` and ``cancel`` raise NotFoundError."""

    def submit(self, name: str, function: JobFunction, *, scope: str | None = None) -> str:
        """Queue a job and return its id at once."""
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
