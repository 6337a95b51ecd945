"""The audit hash: canonical JSON, UTC times, a keyed hash over every field, signed anchors."""

from __future__ import annotations

import hashlib
import hmac
import os
import stat
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from pydantic import SecretStr

from service.domain.audit import (
    GENESIS_HASH,
    KEYED_CHAIN,
    LEGACY_CHAIN,
    AuditEvent,
    canonical_json,
    key_id,
    utc_iso,
)
from service.domain.audit_anchor import AuditAnchor
from service.errors import ConfigurationError
from service.pipeline.audit_seal import load_seal
from service.settings import AuditSettings, Settings

AT = datetime(2026, 11, 23, 3, 4, 5, 678901, tzinfo=UTC)
KEY = bytes(range(32))


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
    assert event(at=AT.replace(tzinfo=None)).expected_hash(KEY) == event().expected_hash(KEY)


@pytest.mark.parametrize(("field", "value"), [
    ("seq", 2), ("at", AT + timedelta(microseconds=1)), ("actor", "cli:mallory"),
    ("action", "review.accept"), ("target", "workspace:qa"), ("before", {"level": 3}),
    ("after", {"level": 5, "proposed_level": 3}), ("reason", None), ("prev_hash", "1" * 64),
])
@pytest.mark.parametrize("chain", [LEGACY_CHAIN, KEYED_CHAIN])
def test_every_field_is_covered(field: str, value: object, chain: int) -> None:
    assert (event(chain=chain, **{field: value}).expected_hash(KEY)
            != event(chain=chain).expected_hash(KEY))


def test_the_keyed_hash_is_an_hmac_that_another_key_cannot_forge() -> None:
    keyed = event().expected_hash(KEY)
    message = canonical_json(event().fields() | {"chain": KEYED_CHAIN}).encode()
    assert keyed == hmac.new(KEY, message, hashlib.sha256).hexdigest()
    assert keyed != event().expected_hash(bytes(32))
    plain = hashlib.sha256(canonical_json(event().fields()).encode()).hexdigest()
    assert keyed != plain
    assert event(chain=LEGACY_CHAIN).expected_hash(KEY) == plain


def test_anchors_are_signed_over_every_field() -> None:
    anchor = AuditAnchor.sign(KEY, 5, "a" * 64, AT, 1)
    assert anchor.signed_by(KEY) and anchor.key_id == key_id(KEY)
    assert not anchor.signed_by(bytes(32))
    for change in ({"seq": 6}, {"head": "b" * 64}, {"at": AT + timedelta(seconds=1)},
                   {"keyed_from": None}):
        assert not anchor.model_copy(update=change).signed_by(KEY)


def test_the_audit_key_file_is_created_once_private_and_kept(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data")
    seal = load_seal(settings)
    path = settings.data_dir / "audit.key"
    assert len(seal.key) == 32
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert load_seal(settings).key == seal.key
    assert seal.anchors.location == str(settings.data_dir / "audit-anchors.jsonl")


@pytest.mark.parametrize("content", ["", "abcd\n", "zz" * 32, "00" * 31, "00" * 33])
def test_an_audit_key_file_of_the_wrong_length_is_refused_not_replaced(
    tmp_path: Path, content: str
) -> None:
    path = tmp_path / "audit.key"
    path.write_text(content)
    settings = Settings(data_dir=tmp_path, audit=AuditSettings(key_file=path))
    with pytest.raises(ConfigurationError, match="Restore it from your backup"):
        load_seal(settings)
    assert path.read_text() == content


def test_the_audit_key_may_come_from_a_setting(tmp_path: Path) -> None:
    given = Settings(data_dir=tmp_path, audit=AuditSettings(key=SecretStr("ab" * 32)))
    assert load_seal(given).key == bytes.fromhex("ab" * 32)
    assert not (tmp_path / "audit.key").exists()
    with pytest.raises(ConfigurationError, match="64 hex digits"):
        load_seal(Settings(data_dir=tmp_path, audit=AuditSettings(key=SecretStr("ab"))))


def test_concurrent_first_starts_create_one_key(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data")
    with ThreadPoolExecutor(max_workers=8) as pool:
        keys = set(pool.map(lambda _n: load_seal(settings).key, range(32)))
    assert len(keys) == 1
