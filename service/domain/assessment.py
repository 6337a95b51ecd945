"""Assessment results: facet findings, citations and the proposal a reviewer confirms."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from service.domain.catalog import FacetKind
from service.domain.projection import Projection


class FacetStatus(StrEnum):
    """How far the evidence shows a facet."""

    MET = "met"
    PARTIAL = "partial"
    NOT_MET = "not_met"


class FacetFinding(BaseModel):
    """A facet's status with the verbatim sentence (and its chunk) that supports it."""

    model_config = ConfigDict(frozen=True)

    id: str
    text: str
    kind: FacetKind
    status: FacetStatus
    quote: str | None = None
    chunk_id: str | None = None
    similarity: float = 0.0
    note: str = ""


class Citation(BaseModel):
    """A quoted span of a retrieved chunk, with where it came from."""

    model_config = ConfigDict(frozen=True)

    chunk_id: str
    document: str
    page: int | None
    heading: str
    quote: str


class AssessmentStatus(StrEnum):
    """Where an assessment run stands: scoring, finished, or stopped before the end."""

    RUNNING = "running"
    COMPLETED = "completed"
    INTERRUPTED = "interrupted"


class ProposalStatus(StrEnum):
    """A proposal is stored as proposed, or flagged when a check failed."""

    PROPOSED = "proposed"
    FLAGGED = "flagged"


class RationaleSource(StrEnum):
    """Who wrote a proposal's rationale: the template, the model, or the model still to come.

    ``pending`` proposals carry the template's text until the follow-on step, run after the
    levels, replaces it with the model's (or confirms the template when the model's fails
    its checks).
    """

    TEMPLATE = "template"
    MODEL = "model"
    PENDING = "pending"


class Provenance(BaseModel):
    """What produced a proposal, so that it can be reproduced and audited."""

    model_config = ConfigDict(frozen=True)

    strategy: str
    model_id: str
    prompts: dict[str, str] = Field(description="prompt id -> version used")
    thresholds: dict[str, float]
    retrieval: dict[str, float]
    created_at: datetime
    as_of: date | None = Field(
        default=None, description="The day records were judged fresh or stale against.")


class Proposal(BaseModel):
    """The proposed level for one requirement, for a human to confirm or override."""

    model_config = ConfigDict(frozen=True)

    ref_id: str
    title: str
    theme: str
    maturity: int = Field(ge=0, le=5, description="The 0-5 maturity the rule derived.")
    level: int | None = Field(description="The maturity mapped to the assessment's scale.")
    documentation_level: int = Field(ge=0, le=5)
    implementation_level: int = Field(ge=0, le=5)
    confidence: float = Field(ge=0.0, le=1.0)
    rationale: str
    rationale_source: RationaleSource = RationaleSource.TEMPLATE
    facets: tuple[FacetFinding, ...]
    citations: tuple[Citation, ...]
    gaps: tuple[str, ...]
    status: ProposalStatus
    flags: tuple[str, ...] = ()
    provenance: Provenance
    projection: Projection | None = Field(
        default=None, description="Set when the level was carried from another framework.")
