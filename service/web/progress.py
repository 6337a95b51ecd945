"""A background job's progress in words: how far, what now, and roughly how long is left."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from service.domain.jobs import JobState, JobStatus

FINAL = frozenset({JobState.DONE, JobState.FAILED, JobState.CANCELLED})
WHAT = {"assessment": "Assessment", "export": "Export", "projection": "Projection",
        "ingest": "Upload", "rationales": "Rationales"}


def duration_words(seconds: float) -> str:
    """A rough duration: ``under a minute``, ``about 3 minutes``, ``about 1 hour 20 minutes``."""
    minutes = round(seconds / 60)
    if seconds < 45:
        return "under a minute"
    if minutes < 60:
        return f"about {minutes} minute{'s' if minutes != 1 else ''}"
    hours, rest = divmod(minutes, 60)
    return f"about {hours} hour{'s' if hours != 1 else ''}" + (f" {rest} minutes" if rest else "")


def estimate(status: JobStatus, now: datetime | None = None) -> str:
    """The time left, from the pace so far; empty until there is a pace to go by."""
    if status.state != JobState.RUNNING or status.started_at is None:
        return ""
    if not 0 < status.percent < 100:
        return ""
    elapsed = ((now or datetime.now(UTC)) - status.started_at).total_seconds()
    left = elapsed * (100 - status.percent) / status.percent
    return f"{duration_words(left)} left"


@dataclass(frozen=True)
class ProgressView:
    """What the progress panel shows."""

    status: JobStatus
    estimate: str

    @property
    def finished(self) -> bool:
        """Whether the job has stopped, one way or another."""
        return self.status.state in FINAL

    @property
    def percent(self) -> int:
        """The percent done, rounded down."""
        return int(self.status.percent)

    @property
    def what(self) -> str:
        """What the job makes, in words: ``Assessment``, ``Export``, ``Projection`` ..."""
        return WHAT.get(self.status.name, "Job")
