"""Electronic signatures on assessments, in the manner of 21 CFR Part 11.

A signature names its signer, the time and its meaning (11.50), and carries the hash of the
assessment's content it was given on (11.70): the proposals and the reviews that apply. A
signature stands until an audited re-opening voids it; while one stands, the assessment
takes no further reviews.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict

from service.domain.audit import canonical_json
from service.errors import InvalidInputError


class SignatureMeaning(StrEnum):
    """What the signer declares by signing."""

    REVIEWED = "reviewed"
    APPROVED = "approved"


def parse_meaning(value: str) -> SignatureMeaning:
    """The meaning a string names; InvalidInputError lists the meanings."""
    try:
        return SignatureMeaning(value.strip().lower())
    except ValueError:
        meanings = ", ".join(m.value for m in SignatureMeaning)
        raise InvalidInputError(f"unknown meaning {value!r}; use one of: {meanings}") from None


def content_hash(content: dict[str, Any]) -> str:
    """The sha256 (hex) of an assessment's content, as canonical JSON."""
    return hashlib.sha256(canonical_json(content).encode("utf-8")).hexdigest()


class Signature(BaseModel):
    """One signature; ``content_intact`` says whether the content still hashes the same."""

    model_config = ConfigDict(frozen=True)

    id: int
    assessment_id: str
    signer: str
    meaning: SignatureMeaning
    content_hash: str
    signed_at: datetime
    voided_at: datetime | None = None
    voided_by: str | None = None
    void_reason: str | None = None
    content_intact: bool | None = None

    @property
    def active(self) -> bool:
        """Whether the signature stands (no re-opening has voided it)."""
        return self.voided_at is None
