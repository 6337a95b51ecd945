"""The audit log's events and the keyed hash that chains each one to the event before it.

An event's ``hash`` is computed over the canonical JSON of its fields (seq, at, actor,
action, target, before, after, reason, prev_hash), where canonical JSON has sorted keys, no
whitespace and UTF-8 text, and ``at`` is the UTC time in ISO 8601 with microseconds. The
first event's ``prev_hash`` is ``GENESIS_HASH``. Each event names its ``chain`` rule:

- ``KEYED_CHAIN`` (2): ``HMAC-SHA256(key, canonical JSON of the fields and "chain": 2)``.
  The key lives outside the database, so whoever holds only the database cannot forge it.
- ``LEGACY_CHAIN`` (1): ``sha256(canonical JSON of the fields)``, the rule of logs written
  before keys existed. Legacy events are accepted only before the first keyed event: the
  log is append-only, so old events are verified by their old rule, never re-keyed.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict

GENESIS_HASH = "0" * 64
LEGACY_CHAIN = 1
KEYED_CHAIN = 2


def canonical_json(value: Any) -> str:
    """The one JSON spelling of a value: sorted keys, no spaces, no NaN."""
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    )


def utc_iso(moment: datetime) -> str:
    """A time as ISO 8601 in UTC with microseconds; a naive time is taken as UTC."""
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return aware.astimezone(UTC).isoformat(timespec="microseconds")


class AuditEvent(BaseModel):
    """One event: who did what to which target, when, the state before and after, and why."""

    model_config = ConfigDict(frozen=True)

    seq: int
    at: datetime
    actor: str
    action: str
    target: str
    before: Any = None
    after: Any = None
    reason: str | None = None
    prev_hash: str
    hash: str
    chain: int = KEYED_CHAIN

    def fields(self) -> dict[str, Any]:
        """The fields the hash covers, as canonical JSON values."""
        return {
            "seq": self.seq, "at": utc_iso(self.at), "actor": self.actor,
            "action": self.action, "target": self.target, "before": self.before,
            "after": self.after, "reason": self.reason, "prev_hash": self.prev_hash,
        }

    def expected_hash(self, key: bytes) -> str:
        """The hash this event must have under its chain rule (``key`` for keyed events)."""
        if self.chain == LEGACY_CHAIN:
            return legacy_hash(self.fields())
        return keyed_hash(key, self.fields())


def legacy_hash(fields: dict[str, Any]) -> str:
    """The unkeyed sha256 (hex) of an event's fields: logs written before keys existed."""
    return hashlib.sha256(canonical_json(fields).encode("utf-8")).hexdigest()


def keyed_hash(key: bytes, fields: dict[str, Any]) -> str:
    """The HMAC-SHA256 (hex) of an event's fields with the installation's audit key."""
    message = canonical_json(fields | {"chain": KEYED_CHAIN}).encode("utf-8")
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def key_id(key: bytes) -> str:
    """A short fingerprint that names a key without revealing it."""
    return hmac.new(key, b"assay audit key id", hashlib.sha256).hexdigest()[:16]


class AuditProblem(StrEnum):
    """What ``assay audit verify`` found wrong, by name."""

    REWRITTEN = "rewritten"  # an event does not match its keyed hash: edited or forged
    DELETED = "deleted"  # a gap in the sequence
    REORDERED = "reordered"  # an event no longer chains to the one before it
    TRUNCATED = "truncated"  # the head row names newer events than the log holds
    INSERTED = "inserted"  # an event the head row does not know of
    HEAD_MISSING = "head_missing"  # the head row is gone
    HEAD_MISMATCH = "head_mismatch"  # the head row names another newest event
    ROLLED_BACK = "rolled_back"  # older than a signed anchor: fewer events, another head
    ANCHOR_INVALID = "anchor_invalid"  # an anchor that is unreadable or not signed by the key


class AnchorSummary(BaseModel):
    """The signed checkpoint the chain was checked against."""

    model_config = ConfigDict(frozen=True)

    seq: int
    at: datetime


class AuditVerification(BaseModel):
    """The result of checking the whole chain; ``first_broken`` is the first bad seq.

    ``keyed_from`` is the first keyed event (None: no keyed event yet); ``anchor`` the
    newest valid checkpoint, if any.
    """

    model_config = ConfigDict(frozen=True)

    ok: bool
    events: int
    first_broken: int | None = None
    problem: AuditProblem | None = None
    detail: str | None = None
    keyed_from: int | None = None
    anchor: AnchorSummary | None = None
