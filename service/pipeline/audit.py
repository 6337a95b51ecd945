"""The audit log: one append-only, keyed hash chain per installation.

Every change that matters for an audit is appended with ``record`` in the same transaction
as the change itself, so that either both are stored or neither. Each event's hash is an
HMAC with the installation's audit key (``service.pipeline.audit_seal``), which lives
outside the database; after the transaction commits, a signed checkpoint (anchor) of the
newest event goes outside the database too. ``verify`` (``service.pipeline.audit_verify``)
recomputes the chain and names the first problem.

A log written before keys existed keeps its unkeyed events: the first append with a key
writes an ``audit.keyed`` event that chains to the last of them, and every event from there
on is keyed.

Targets name what was acted on, workspace first when there is one, e.g.
``workspace:qa/document:<id>`` or ``user:alice``, so that a workspace's events share a prefix.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from service.db import AuditEventRow, Session
from service.db.audit import (
    ClaimedSeq,
    append_event,
    claim_next_seq,
    read_head,
    select_events,
)
from service.domain.audit import KEYED_CHAIN, AuditEvent, canonical_json
from service.domain.audit_anchor import AuditAnchor
from service.errors import ConflictError
from service.pipeline.audit_seal import AuditSeal, mark_pending, seal_of, write_anchor
from service.pipeline.audit_verify import event_of, verify

SYSTEM_ACTOR = "system"
KEYED_ACTION = "audit.keyed"
__all__ = ["SYSTEM_ACTOR", "anchor_chain", "list_events", "record", "verify",
           "workspace_target"]


def workspace_target(slug: str, *path: str) -> str:
    """A target inside a workspace, e.g. ``workspace:qa/document:42``."""
    return "/".join((f"workspace:{slug}", *path))


def _claim(session: Session) -> ClaimedSeq:
    claimed = claim_next_seq(session)
    if claimed is None:
        raise ConflictError("the audit log has lost its head row; run `assay audit verify`")
    return claimed


def _append(
    session: Session, seal: AuditSeal, claimed: ClaimedSeq, keyed_from: int,
    fields: dict[str, Any],
) -> AuditEvent:
    unsigned = AuditEvent(seq=claimed.seq, at=datetime.now(UTC), prev_hash=claimed.prev_hash,
                          hash="", chain=KEYED_CHAIN, **fields)
    event = unsigned.model_copy(update={"hash": unsigned.expected_hash(seal.key)})
    append_event(session, AuditEventRow(**event.model_dump()), seal.key_id, keyed_from)
    mark_pending(session, event.seq, event.hash, keyed_from)
    return event


def _keyed_claim(session: Session, seal: AuditSeal) -> tuple[ClaimedSeq, int]:
    """Claim a seq in the keyed chain, keying a legacy chain first; and its first keyed seq."""
    claimed = _claim(session)
    if claimed.key_id is not None and claimed.key_id != seal.key_id:
        raise ConflictError(
            f"the audit log is keyed with audit key {claimed.key_id}, not with this one "
            f"({seal.key_id}): restore the original audit key from your backup"
        )
    if claimed.keyed_from is not None:
        return claimed, claimed.keyed_from
    if claimed.seq == 1:
        return claimed, 1
    legacy = {"legacy_events": claimed.seq - 1, "legacy_head": claimed.prev_hash,
              "key_id": seal.key_id}
    _append(session, seal, claimed, claimed.seq, {
        "actor": SYSTEM_ACTOR, "action": KEYED_ACTION, "target": "audit", "after": legacy,
        "reason": "events from here on are chained with the audit key"})
    return _claim(session), claimed.seq


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
    seal = seal_of(session)
    claimed, keyed_from = _keyed_claim(session, seal)
    return _append(session, seal, claimed, keyed_from, {
        "actor": actor, "action": action, "target": target,
        "before": json.loads(canonical_json(before)), "after": json.loads(canonical_json(after)),
        "reason": reason,
    })


def list_events(
    session: Session, workspace: str | None = None, after_seq: int = 0, limit: int = 100
) -> list[AuditEvent]:
    """Events in seq order after ``after_seq``; with a workspace, only the events inside it."""
    scope = None if workspace is None else workspace_target(workspace)
    return [event_of(row) for row in select_events(session, scope, after_seq, limit)]


def anchor_chain(session: Session) -> AuditAnchor:
    """Verify the chain, then append a signed checkpoint of its newest event to the anchors.

    A broken chain is not anchored (ConflictError): that would vouch for the damage.
    """
    result = verify(session)
    head = read_head(session)
    if not result.ok or head is None:
        raise ConflictError(f"the audit log does not verify ({result.problem}: "
                            f"{result.detail}); it is not anchored")
    return write_anchor(seal_of(session), head.seq, head.hash, result.keyed_from)
