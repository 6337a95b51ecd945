"""Electronic signatures on assessments: signing, re-opening and the signatures shown."""

from __future__ import annotations

from pydantic import BaseModel, Field

from service.api.schemas.common import UtcDatetime
from service.domain.signature import Signature, SignatureMeaning


class SignatureCreate(BaseModel):
    """Sign as the token's user; the same user's API token is entered again to sign."""

    meaning: SignatureMeaning = Field(examples=["approved"])
    token: str = Field(min_length=1, max_length=200,
                       description="The signer's API token, re-entered at the moment of signing.")


class ReopenCreate(BaseModel):
    """Re-open a signed assessment for review: every standing signature is voided."""

    comment: str = Field(min_length=1, max_length=5000, description="Why it is re-opened.")


class SignaturePublic(BaseModel):
    """A signature: who, when, what it means, the content hash it covers, whether it stands."""

    id: int
    signer: str
    meaning: SignatureMeaning
    content_hash: str
    signed_at: UtcDatetime
    active: bool
    content_intact: bool | None = Field(
        description="Whether the assessment's content still has the signed hash.")
    voided_at: UtcDatetime | None
    voided_by: str | None
    void_reason: str | None

    @classmethod
    def of(cls, signature: Signature) -> SignaturePublic:
        """The API's view of a signature."""
        return cls.model_validate(signature.model_dump() | {"active": signature.active})


class SignatureList(BaseModel):
    """An assessment's signatures, oldest first."""

    signatures: list[SignaturePublic]
