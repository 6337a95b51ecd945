"""The audit log's events and the hash that chains each one to the event before it.

``hash = sha256(canonical JSON of seq, at, actor, action, target, before, after, reason,
prev_hash)``, where canonical JSON has sorted keys, no whitespace and UTF-8 text, and ``at``
is the UTC time in ISO 8601 with microseconds. The first event's ``prev_hash`` is
``GENESIS_HASH``.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict

GENESIS_HASH = "0" * 64


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

    def expected_hash(self) -> str:
        """The hash this event's content and ``prev_hash`` must have."""
        return event_hash(
            self.seq, self.at, self.actor, self.action, self.target,
            self.before, self.after, self.reason, self.prev_hash,
        )


def event_hash(
    seq: int, at: datetime, actor: str, action: str, target: str,
    before: Any, after: Any, reason: str | None, prev_hash: str,
) -> str:
    """The sha256 (hex) of the canonical JSON of an event's fields and the previous hash."""
    fields = {
        "seq": seq, "at": utc_iso(at), "actor": actor, "action": action, "target": target,
        "before": before, "after": after, "reason": reason, "prev_hash": prev_hash,
    }
    return hashlib.sha256(canonical_json(fields).encode("utf-8")).hexdigest()


class AuditVerification(BaseModel):
    """The result of checking the whole chain; ``first_broken`` is the first bad seq."""

    model_config = ConfigDict(frozen=True)

    ok: bool
    events: int
    first_broken: int | None = None
    problem: str | None = None
