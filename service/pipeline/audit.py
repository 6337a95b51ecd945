"""The audit log: one append-only, hash-chained log per installation.

Every change that matters for an audit is appended with ``record`` in the same transaction
as the change itself, so that either both are stored or neither. ``verify`` recomputes the
chain and names the first broken link: an edited event (its hash no longer matches), a
deleted one (a gap in the sequence), a reordered one (it no longer chains to the event
before), or a removed tail (the head row names a newer event than the log holds).

Targets name what was acted on, workspace first when there is one, e.g.
``workspace:qa/document:<id>`` or ``user:alice``, so that a workspace's events share a prefix.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from service.db import AuditEventRow, Session
from service.db.audit import append_event, claim_next_seq, iter_events, read_head, select_events
from service.domain.audit import (
    GENESIS_HASH,
    AuditEvent,
    AuditVerification,
    canonical_json,
    event_hash,
)
from service.errors import ConflictError

SYSTEM_ACTOR = "system"


def workspace_target(slug: str, *path: str) -> str:
    """A target inside a workspace, e.g. ``workspace:qa/document:42``."""
    return "/".join((f"workspace:{slug}", *path))


def _event(row: AuditEventRow) -> AuditEvent:
    return AuditEvent(
        seq=row.seq, at=row.at, actor=row.actor, action=row.action, target=row.target,
        before=row.before, after=row.after, reason=row.reason, prev_hash=row.prev_hash,
        hash=row.hash,
    )


def record(
    session: Session,
    actor: str,
    action: str,
    target: str,
    before: Any = None,
    after: Any = None,
    reason: str | None = None,
) -> AuditEvent:
    """Append an event in the session's transaction; the caller commits with its change.

    ``before`` and ``after`` must be JSON values; they are stored as their JSON round trip,
    which is exactly what is hashed.
    """
    claimed = claim_next_seq(session)
    if claimed is None:
        raise ConflictError("the audit log has lost its head row; run `assay audit verify`")
    seq, prev_hash = claimed
    before, after = json.loads(canonical_json(before)), json.loads(canonical_json(after))
    at = datetime.now(UTC)
    digest = event_hash(seq, at, actor, action, target, before, after, reason, prev_hash)
    row = AuditEventRow(
        seq=seq, at=at, actor=actor, action=action, target=target, before=before,
        after=after, reason=reason, prev_hash=prev_hash, hash=digest,
    )
    append_event(session, row)
    return _event(row)


def _first_problem(row: AuditEventRow, expected_seq: int, prev_hash: str) -> tuple[int, str] | None:
    if row.seq != expected_seq:
        if row.seq > expected_seq:
            return expected_seq, f"event {expected_seq} is missing (deleted)"
        return row.seq, f"event {row.seq} is out of sequence"
    if row.prev_hash != prev_hash:
        return row.seq, f"event {row.seq} does not chain to the event before it (reordered)"
    if _event(row).expected_hash() != row.hash:
        return row.seq, f"event {row.seq} does not match its hash (edited)"
    return None


def _tail_problem(session: Session, last_seq: int, last_hash: str) -> tuple[int, str] | None:
    head = read_head(session)
    if head is None:
        return last_seq + 1, "the head row of the log is missing"
    if head.seq > last_seq:
        return last_seq + 1, f"events {last_seq + 1}-{head.seq} are missing (the log was cut)"
    if head.seq < last_seq:
        return head.seq + 1, f"event {head.seq + 1} was added outside the log"
    if head.hash != last_hash:
        return max(last_seq, 1), f"event {last_seq} is not the newest event the log recorded"
    return None


def verify(session: Session) -> AuditVerification:
    """Recompute the whole chain; ``first_broken`` is the seq of the first broken link."""
    events, expected_seq, prev_hash = 0, 1, GENESIS_HASH
    problem: tuple[int, str] | None = None
    for row in iter_events(session):
        events += 1
        if problem is None:
            problem = _first_problem(row, expected_seq, prev_hash)
        expected_seq, prev_hash = row.seq + 1, row.hash
    if problem is None:
        problem = _tail_problem(session, expected_seq - 1, prev_hash)
    if problem is None:
        return AuditVerification(ok=True, events=events)
    return AuditVerification(ok=False, events=events, first_broken=problem[0], problem=problem[1])


def list_events(
    session: Session, workspace: str | None = None, after_seq: int = 0, limit: int = 100
) -> list[AuditEvent]:
    """Events in seq order after ``after_seq``; with a workspace, only the events inside it."""
    scope = None if workspace is None else workspace_target(workspace)
    return [_event(row) for row in select_events(session, scope, after_seq, limit)]
