"""The audit hash: canonical JSON, UTC times, and a hash that covers every field."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from service.domain.audit import GENESIS_HASH, AuditEvent, canonical_json, event_hash, utc_iso

AT = datetime(2026, 11, 23, 3, 4, 5, 678901, tzinfo=UTC)


def event(**changes: object) -> AuditEvent:
    fields: dict[str, object] = {
        "seq": 1, "at": AT, "actor": "cli:alice", "action": "review.override",
        "target": "workspace:qa/assessment:1/requirement:A.5.15", "before": None,
        "after": {"level": 4, "proposed_level": 3}, "reason": "records", "prev_hash": GENESIS_HASH,
        "hash": "",
    }
    return AuditEvent.model_validate(fields | changes)


def test_canonical_json_is_one_spelling() -> None:
    assert canonical_json({"b": [1, 2.5], "a": "é"}) == '{"a":"é","b":[1,2.5]}'
    assert canonical_json({"a": 1, "b": 2}) == canonical_json({"b": 2, "a": 1})
    with pytest.raises(ValueError):
        canonical_json(float("nan"))


def test_times_hash_as_utc_whatever_their_zone() -> None:
    assert utc_iso(AT) == "2026-11-23T03:04:05.678901+00:00"
    assert utc_iso(AT.replace(tzinfo=None)) == utc_iso(AT)
    assert utc_iso(AT.astimezone(timezone(timedelta(hours=2)))) == utc_iso(AT)
    assert event(at=AT.replace(tzinfo=None)).expected_hash() == event().expected_hash()


@pytest.mark.parametrize(("field", "value"), [
    ("seq", 2), ("at", AT + timedelta(microseconds=1)), ("actor", "cli:mallory"),
    ("action", "review.accept"), ("target", "workspace:qa"), ("before", {"level": 3}),
    ("after", {"level": 5, "proposed_level": 3}), ("reason", None), ("prev_hash", "1" * 64),
])
def test_every_field_is_covered(field: str, value: object) -> None:
    assert event(**{field: value}).expected_hash() != event().expected_hash()


def test_the_hash_is_sha256_hex_of_the_fields() -> None:
    digest = event_hash(1, AT, "a", "b", "c", None, None, None, GENESIS_HASH)
    assert len(digest) == 64 and int(digest, 16) >= 0
    assert digest == event(actor="a", action="b", target="c", after=None,
                           reason=None).expected_hash()
