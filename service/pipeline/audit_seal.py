"""The audit chain's seal: its HMAC key and its anchors, both kept outside the database.

``sealed_sessions`` hands out database sessions that carry the seal, so that ``record``
keys every event it appends; after a session commits events, a signed checkpoint of the
newest one is appended to the anchors. That hook is the one place every command and
request passes through once its events are stored.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from pydantic import ValidationError

from service.components.anchors import AnchorStore, FileAnchorStore
from service.db import Engine, Session, session_factory, sessionmaker
from service.domain.audit import key_id
from service.domain.audit_anchor import AuditAnchor
from service.errors import ConfigurationError
from service.keyfile import KeyFileError, ensure_key
from service.settings import Settings

logger = logging.getLogger(__name__)
KEY_BYTES = 32
SEAL_INFO = "assay.audit.seal"
PENDING_INFO = "assay.audit.pending"


@dataclass(frozen=True)
class AuditSeal:
    """The key that chains events and signs anchors, and where the anchors go."""

    key: bytes
    anchors: AnchorStore

    @property
    def key_id(self) -> str:
        """The key's fingerprint."""
        return key_id(self.key)


def _key_setting(value: str) -> bytes:
    try:
        key = bytes.fromhex(value.strip())
    except ValueError:
        key = b""
    if len(key) != KEY_BYTES:
        raise ConfigurationError(f"the setting audit.key (ASSAY_AUDIT__KEY) must be "
                                 f"{2 * KEY_BYTES} hex digits ({KEY_BYTES} bytes)")
    return key


def _key_file(path: Path) -> bytes:
    try:
        return ensure_key(path, KEY_BYTES)
    except (KeyFileError, OSError, UnicodeDecodeError) as error:
        raise ConfigurationError(
            f"the audit key file {path} cannot be used ({error}). Restore it from your "
            "backup: events keyed with it verify with no other key"
        ) from None


def load_seal(settings: Settings) -> AuditSeal:
    """The configured seal: ``audit.key``, else the key file (created on first start)."""
    if settings.audit.key is not None:
        key = _key_setting(settings.audit.key.get_secret_value())
    else:
        key = _key_file(settings.audit_key_file)
    return AuditSeal(key=key, anchors=FileAnchorStore(settings.audit_anchors_file))


def seal_of(session: Session) -> AuditSeal:
    """The seal a session was opened with; ConfigurationError for an unsealed session."""
    seal = session.info.get(SEAL_INFO)
    if not isinstance(seal, AuditSeal):
        raise ConfigurationError("this database session has no audit key: open it with "
                                 "service.pipeline.audit_seal.sealed_sessions")
    return seal


def mark_pending(session: Session, seq: int, head: str, keyed_from: int) -> None:
    """Remember the newest event this transaction appended, to anchor it after commit."""
    session.info[PENDING_INFO] = (seq, head, keyed_from)


def write_anchor(seal: AuditSeal, seq: int, head: str, keyed_from: int | None) -> AuditAnchor:
    """Sign a checkpoint of the chain at ``seq`` and append it to the anchors."""
    anchor = AuditAnchor.sign(seal.key, seq, head, datetime.now(UTC), keyed_from)
    seal.anchors.append(anchor.model_dump_json())
    return anchor


@dataclass
class AnchorReading:
    """What the anchors say: each valid anchor's head by seq, and the newest one.

    ``forks`` are seqs anchored with two different heads (the database was restored and
    took other events); ``invalid`` names the first line not signed with the key, if any.
    """

    heads: dict[int, str] = field(default_factory=dict)
    latest: AuditAnchor | None = None
    forks: set[int] = field(default_factory=set)
    invalid: str | None = None

    def add(self, anchor: AuditAnchor) -> None:
        """Take in one valid anchor."""
        known = self.heads.setdefault(anchor.seq, anchor.head)
        if known != anchor.head:
            self.forks.add(anchor.seq)
        if self.latest is None or anchor.seq >= self.latest.seq:
            self.latest = anchor


def read_anchors(seal: AuditSeal) -> AnchorReading:
    """Check every anchor's signature and gather the valid ones."""
    reading = AnchorReading()
    try:
        for number, line in enumerate(seal.anchors.lines(), start=1):
            try:
                anchor: AuditAnchor | None = AuditAnchor.model_validate_json(line)
            except ValidationError:
                anchor = None
            if anchor is not None and anchor.signed_by(seal.key):
                reading.add(anchor)
            elif reading.invalid is None:
                reading.invalid = (f"line {number} of {seal.anchors.location} is not an "
                                   "anchor signed with this audit key")
    except (OSError, UnicodeDecodeError) as error:
        reading.invalid = f"cannot read the anchors in {seal.anchors.location}: {error}"
    return reading


def _anchor_after_commit(session: Session) -> None:
    pending = session.info.pop(PENDING_INFO, None)
    if pending is None:
        return
    try:
        write_anchor(seal_of(session), *pending)
    except (OSError, ConfigurationError) as error:
        logger.error("could not anchor audit event %s: %s", pending[0], error)


def _forget_pending(session: Session) -> None:
    session.info.pop(PENDING_INFO, None)


def sealed_sessions(engine: Engine, seal: AuditSeal) -> sessionmaker[Session]:
    """Sessions that key audit events with the seal and anchor them after commit."""
    return session_factory(engine, info={SEAL_INFO: seal}, after_commit=_anchor_after_commit,
                           after_rollback=_forget_pending)
