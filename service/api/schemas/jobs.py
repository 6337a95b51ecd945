"""Background jobs as the API shows them."""

from __future__ import annotations

from pydantic import BaseModel, Field

from service.api.schemas.common import UtcDatetime
from service.domain.jobs import JobState, JobStatus


class JobPublic(BaseModel):
    """A job's state and progress; ``result`` is e.g. the assessment id once it is done."""

    id: str
    name: str = Field(examples=["assessment"])
    workspace: str | None
    state: JobState
    percent: float = Field(ge=0.0, le=100.0)
    current: str = Field(description="The requirement (or step) last reported.")
    cancel_requested: bool
    result: str | None
    error: str | None
    created_at: UtcDatetime
    started_at: UtcDatetime | None
    finished_at: UtcDatetime | None

    @classmethod
    def of(cls, status: JobStatus) -> JobPublic:
        """The API view of a job's status."""
        return cls.model_validate(status.model_dump() | {"workspace": status.scope})
