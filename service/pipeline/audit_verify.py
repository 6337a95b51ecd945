"""``verify``: recompute the keyed chain and check it against the newest signed anchor.

The first problem found is named (``AuditProblem``), in this order: a broken link in the
events (deleted, reordered, rewritten), a head row that disagrees with the events
(truncated, inserted), an anchor that is not signed with the key, then a rollback: an
event that differs from the one anchored at its seq (the database was restored from an
older copy and took other events since), or fewer events than the newest anchor.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from typing import NamedTuple

from service.db import AuditEventRow, Session
from service.db.audit import iter_events, read_head
from service.domain.audit import (
    GENESIS_HASH,
    KEYED_CHAIN,
    LEGACY_CHAIN,
    AnchorSummary,
    AuditEvent,
    AuditProblem,
    AuditVerification,
    utc_iso,
)
from service.domain.audit_anchor import AuditAnchor
from service.pipeline.audit_seal import AnchorReading, read_anchors, seal_of


class Finding(NamedTuple):
    """The first broken seq, what is wrong, and a sentence for the operator."""

    seq: int
    problem: AuditProblem
    detail: str


def event_of(row: AuditEventRow) -> AuditEvent:
    """A stored event as the domain model."""
    return AuditEvent(
        seq=row.seq, at=row.at, actor=row.actor, action=row.action, target=row.target,
        before=row.before, after=row.after, reason=row.reason, prev_hash=row.prev_hash,
        hash=row.hash, chain=row.chain,
    )


@dataclass
class _Walk:
    """The chain read so far: where it stands and the first problem met."""

    key: bytes
    anchors: AnchorReading
    events: int = 0
    next_seq: int = 1
    prev_hash: str = GENESIS_HASH
    keyed_from: int | None = None
    finding: Finding | None = None
    rollback: Finding | None = None

    def step(self, event: AuditEvent) -> None:
        self.events += 1
        if self.finding is None:
            self.finding = self._check(event)
        if self.rollback is None:
            self.rollback = self._against_anchor(event)
        if event.chain == KEYED_CHAIN and self.keyed_from is None:
            self.keyed_from = event.seq
        self.next_seq, self.prev_hash = event.seq + 1, event.hash

    def _must_be_keyed(self, seq: int) -> bool:
        latest = self.anchors.latest
        anchored = None if latest is None else latest.keyed_from
        return self.keyed_from is not None or (anchored is not None and seq >= anchored)

    def _against_anchor(self, event: AuditEvent) -> Finding | None:
        head = self.anchors.heads.get(event.seq)
        if head is None or (head == event.hash and event.seq not in self.anchors.forks):
            return None
        return Finding(event.seq, AuditProblem.ROLLED_BACK,
                       f"event {event.seq} is not the event anchored at that seq: the database "
                       "was restored from an older copy and has taken other events since")

    def _check(self, event: AuditEvent) -> Finding | None:
        seq = event.seq
        if seq > self.next_seq:
            return Finding(self.next_seq, AuditProblem.DELETED,
                           f"event {self.next_seq} is missing (deleted)")
        if seq < self.next_seq:
            return Finding(seq, AuditProblem.REORDERED, f"event {seq} is out of sequence")
        if event.prev_hash != self.prev_hash:
            return Finding(seq, AuditProblem.REORDERED,
                           f"event {seq} does not chain to the event before it (reordered)")
        if event.chain not in (LEGACY_CHAIN, KEYED_CHAIN) or (
            event.chain == LEGACY_CHAIN and self._must_be_keyed(seq)
        ):
            return Finding(seq, AuditProblem.REWRITTEN,
                           f"event {seq} is unkeyed where the chain is keyed: it was "
                           "recomputed without the audit key")
        if not hmac.compare_digest(event.expected_hash(self.key), event.hash):
            how = "its hash (edited)" if event.chain == LEGACY_CHAIN else (
                "its keyed hash: edited or forged without this audit key")
            return Finding(seq, AuditProblem.REWRITTEN, f"event {seq} does not match {how}")
        return None


def _tail_finding(session: Session, last_seq: int, last_hash: str) -> Finding | None:
    head = read_head(session)
    if head is None:
        return Finding(last_seq + 1, AuditProblem.HEAD_MISSING,
                       "the head row of the log is missing")
    if head.seq > last_seq:
        return Finding(last_seq + 1, AuditProblem.TRUNCATED,
                       f"events {last_seq + 1}-{head.seq} are missing (the log was cut)")
    if head.seq < last_seq:
        return Finding(head.seq + 1, AuditProblem.INSERTED,
                       f"event {head.seq + 1} was added outside the log")
    if head.hash != last_hash:
        return Finding(max(last_seq, 1), AuditProblem.HEAD_MISMATCH,
                       f"event {last_seq} is not the newest event the log recorded")
    return None


def _shorter_than(walk: _Walk, anchor: AuditAnchor) -> Finding | None:
    last_seq = walk.next_seq - 1
    if last_seq >= anchor.seq:
        return None
    return Finding(last_seq + 1, AuditProblem.ROLLED_BACK,
                   f"the log ends at event {last_seq} but was anchored at event {anchor.seq} "
                   f"on {utc_iso(anchor.at)}: the database was restored from an older copy, "
                   "or its newest events were removed")


def verify(session: Session) -> AuditVerification:
    """Recompute the whole chain with the audit key and check it against the anchors."""
    seal = seal_of(session)
    anchors = read_anchors(seal)
    walk = _Walk(seal.key, anchors)
    for row in iter_events(session):
        walk.step(event_of(row))
    finding = walk.finding or _tail_finding(session, walk.next_seq - 1, walk.prev_hash)
    if finding is None and anchors.invalid is not None:
        finding = Finding(walk.next_seq, AuditProblem.ANCHOR_INVALID, anchors.invalid)
    latest = anchors.latest
    if finding is None:
        finding = walk.rollback or (None if latest is None else _shorter_than(walk, latest))
    return AuditVerification(
        ok=finding is None, events=walk.events, keyed_from=walk.keyed_from,
        anchor=None if latest is None else AnchorSummary(seq=latest.seq, at=latest.at),
        first_broken=None if finding is None else finding.seq,
        problem=None if finding is None else finding.problem,
        detail=None if finding is None else finding.detail,
    )
