"""Background jobs: the dispatchers that hand job ids to whatever runs them."""

from __future__ import annotations

from collections.abc import Callable

from service.components.jobs.celery_queue import CeleryDispatcher, run_worker
from service.components.jobs.threads import ThreadDispatcher
from service.domain.jobs import (
    JobCancelledError,
    JobControl,
    JobDispatcher,
    JobHandler,
    JobRunner,
    JobState,
    JobStatus,
)
from service.settings import JobsSettings


def build_dispatcher(settings: JobsSettings, run: Callable[[str], None]) -> JobDispatcher:
    """The configured back end: worker threads running ``run`` here, or the Celery queue."""
    if settings.mode == "celery":
        return CeleryDispatcher(settings)
    return ThreadDispatcher(settings.workers, run)


__all__ = [
    "CeleryDispatcher",
    "JobCancelledError",
    "JobControl",
    "JobDispatcher",
    "JobHandler",
    "JobRunner",
    "JobState",
    "JobStatus",
    "ThreadDispatcher",
    "build_dispatcher",
    "run_worker",
]
