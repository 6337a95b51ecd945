"""Signed checkpoints of the audit chain, kept outside the database.

An anchor records the chain's newest ``seq`` and ``head`` hash at a moment ``at``, and the
first keyed event ``keyed_from``, signed with ``HMAC-SHA256(key, canonical JSON of those
fields)``. Restoring an older copy of the database leaves the chain shorter than, or
different from, the newest anchor; turning keyed events back into unkeyed ones (to recompute
them without the key) contradicts ``keyed_from``.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime

from pydantic import BaseModel, ConfigDict

from service.domain.audit import canonical_json, key_id, utc_iso


def anchor_mac(key: bytes, seq: int, head: str, at: datetime, keyed_from: int | None) -> str:
    """The HMAC-SHA256 (hex) that signs a checkpoint."""
    fields = {"kind": "assay.audit.anchor", "seq": seq, "head": head, "at": utc_iso(at),
              "keyed_from": keyed_from}
    return hmac.new(key, canonical_json(fields).encode("utf-8"), hashlib.sha256).hexdigest()


class AuditAnchor(BaseModel):
    """One checkpoint: the chain held ``seq`` events ending in ``head`` at time ``at``."""

    model_config = ConfigDict(frozen=True)

    seq: int
    head: str
    at: datetime
    keyed_from: int | None
    key_id: str
    mac: str

    @classmethod
    def sign(
        cls, key: bytes, seq: int, head: str, at: datetime, keyed_from: int | None
    ) -> AuditAnchor:
        """A checkpoint signed with ``key``."""
        return cls(seq=seq, head=head, at=at, keyed_from=keyed_from, key_id=key_id(key),
                   mac=anchor_mac(key, seq, head, at, keyed_from))

    def signed_by(self, key: bytes) -> bool:
        """Whether this checkpoint carries ``key``'s signature."""
        expected = anchor_mac(key, self.seq, self.head, self.at, self.keyed_from)
        return hmac.compare_digest(self.mac, expected)
