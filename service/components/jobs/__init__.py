"""Background jobs behind one interface; the back end is chosen by ``settings.jobs``."""

from __future__ import annotations

from service.components.jobs.threads import ThreadJobRunner
from service.domain.jobs import (
    JobCancelledError,
    JobControl,
    JobFunction,
    JobRunner,
    JobState,
    JobStatus,
)
from service.settings import JobsSettings


def build_job_runner(settings: JobsSettings) -> JobRunner:
    """The configured back end: worker threads in this process (the only one so far)."""
    return ThreadJobRunner(workers=settings.workers)


__all__ = [
    "JobCancelledError",
    "JobControl",
    "JobFunction",
    "JobRunner",
    "JobState",
    "JobStatus",
    "ThreadJobRunner",
    "build_job_runner",
]
