"""Queries on jobs; every change of hands (claim, renew, finish) is one conditional UPDATE.

A claim succeeds only while nobody else holds a live lease, so two processes given the same
job (a redelivered message, a reaped job) never both run it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, func, or_, select, update
from sqlalchemy.orm import Session

from service.db.job_tables import JobRow
from service.db.tables import utcnow
from service.db.updates import changed_rows

QUEUED, RUNNING, DONE, FAILED, CANCELLED = "queued", "running", "done", "failed", "cancelled"
UNFINISHED = (QUEUED, RUNNING)
REQUEUED = "requeued"  # the holder of a job put back on the queue by a reaper


def _lease_free(holder: str, now: datetime) -> ColumnElement[bool]:
    return or_(
        JobRow.lease_holder.is_(None), JobRow.lease_holder == REQUEUED,
        and_(JobRow.lease_holder == holder, JobRow.state == QUEUED),
        JobRow.lease_expires < now,
    )


def add_job(session: Session, row: JobRow) -> None:
    """Insert a new job (committed by the caller)."""
    session.add(row)


def get_job(session: Session, job_id: str) -> JobRow | None:
    """The job with this id, read afresh."""
    return session.scalar(select(JobRow).where(JobRow.id == job_id)
                          .execution_options(populate_existing=True))


def claim_job(session: Session, job_id: str, holder: str, lease: timedelta) -> bool:
    """Take the job's lease and mark it running, unless it is finished or held by another."""
    now = utcnow()
    claimed = changed_rows(session, (
        update(JobRow)
        .where(JobRow.id == job_id, JobRow.state.in_(UNFINISHED),
               JobRow.cancel_requested.is_(False), _lease_free(holder, now))
        .values(state=RUNNING, lease_holder=holder, lease_expires=now + lease,
                attempts=JobRow.attempts + 1,
                started_at=func.coalesce(JobRow.started_at, now))
        .execution_options(synchronize_session=False)
    ))
    session.commit()
    return bool(claimed)


def hold_job(session: Session, job_id: str, holder: str, lease: timedelta) -> None:
    """Give a queued job's lease to ``holder`` (threads mode: the process that queued it)."""
    session.execute(update(JobRow).where(JobRow.id == job_id)
                    .values(lease_holder=holder, lease_expires=utcnow() + lease)
                    .execution_options(synchronize_session=False))
    session.commit()


def report_progress(
    session: Session, job_id: str, holder: str, lease: timedelta, percent: float, current: str
) -> JobRow | None:
    """Record progress and renew the lease; None if ``holder`` no longer holds the job."""
    changed = changed_rows(session, (
        update(JobRow)
        .where(JobRow.id == job_id, JobRow.lease_holder == holder, JobRow.state == RUNNING)
        .values(percent=percent, current=current[:300], lease_expires=utcnow() + lease)
        .execution_options(synchronize_session=False)
    ))
    session.commit()
    return get_job(session, job_id) if changed else None


def renew_leases(session: Session, holder: str, job_ids: list[str], lease: timedelta) -> int:
    """Extend the leases ``holder`` holds on these unfinished jobs; returns how many."""
    renewed = changed_rows(session, (
        update(JobRow)
        .where(JobRow.lease_holder == holder, JobRow.id.in_(job_ids),
               JobRow.state.in_(UNFINISHED))
        .values(lease_expires=utcnow() + lease)
        .execution_options(synchronize_session=False)
    ))
    session.commit()
    return int(renewed)


def release_leases(session: Session, holder: str, job_ids: list[str]) -> None:
    """Let these leases lapse now, so that the next process takes the jobs at once."""
    changed_rows(session, (
        update(JobRow)
        .where(JobRow.lease_holder == holder, JobRow.id.in_(job_ids),
               JobRow.state.in_(UNFINISHED))
        .values(lease_expires=utcnow() - timedelta(seconds=1))
        .execution_options(synchronize_session=False)
    ))
    session.commit()


def finish_job(session: Session, job_id: str, holder: str | None, **outcome: Any) -> bool:
    """Set a final state (and result or error), if ``holder`` still holds the job.

    ``holder`` None finishes a job nobody runs (cancelled while queued, or reaped).
    """
    held = JobRow.lease_holder.is_(None) if holder is None else JobRow.lease_holder == holder
    changed = changed_rows(session, (
        update(JobRow)
        .where(JobRow.id == job_id, JobRow.state.in_(UNFINISHED), held)
        .values(finished_at=utcnow(), lease_holder=None, lease_expires=None, **outcome)
        .execution_options(synchronize_session=False)
    ))
    session.commit()
    return bool(changed)


def request_cancel(session: Session, job_id: str, queued_by: str) -> None:
    """Ask the job to stop; a job still queued (by ``queued_by`` or nobody) is cancelled at once."""
    changed_rows(session, (
        update(JobRow).where(JobRow.id == job_id, JobRow.state.in_(UNFINISHED))
        .values(cancel_requested=True).execution_options(synchronize_session=False)
    ))
    changed_rows(session, (
        update(JobRow)
        .where(JobRow.id == job_id, JobRow.state == QUEUED,
               or_(JobRow.lease_holder.is_(None),
                   JobRow.lease_holder.in_((REQUEUED, queued_by))))
        .values(state=CANCELLED, finished_at=utcnow(), lease_holder=None, lease_expires=None)
        .execution_options(synchronize_session=False)
    ))
    session.commit()


def expired_jobs(session: Session, now: datetime) -> Sequence[JobRow]:
    """Unfinished jobs whose holder let the lease lapse: their process is gone."""
    return session.scalars(
        select(JobRow).where(JobRow.state.in_(UNFINISHED), JobRow.lease_expires < now)
    ).all()


def live_jobs(session: Session, kind: str, scope: str | None, now: datetime) -> Sequence[JobRow]:
    """Unfinished jobs of this kind and scope that are queued or held by a live lease."""
    return session.scalars(
        select(JobRow).where(
            JobRow.kind == kind, JobRow.scope == scope, JobRow.state.in_(UNFINISHED),
            or_(JobRow.lease_expires.is_(None), JobRow.lease_expires >= now))
        .execution_options(populate_existing=True)
    ).all()


def take_over(session: Session, row: JobRow, **values: Any) -> bool:
    """Change an expired job as ``values`` say, unless another process changed it first."""
    changed = changed_rows(session, (
        update(JobRow)
        .where(and_(JobRow.id == row.id, JobRow.state.in_(UNFINISHED),
                    JobRow.lease_expires == row.lease_expires,
                    JobRow.lease_holder == row.lease_holder))
        .values(**values)
        .execution_options(synchronize_session=False)
    ))
    session.commit()
    return bool(changed)
