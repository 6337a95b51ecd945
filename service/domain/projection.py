"""Projections: an assessment carried onto another framework through the crosswalks.

A projected proposal keeps where its level came from (``Projection``): each source
requirement that carried, how it relates to the target, the level it had and whether a
reviewer had decided it, and the crosswalk file and version that linked them. It also keeps
the evidence check: the target requirement scored afresh on the workspace's evidence.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from service.domain.catalog import Relationship

# the keys of a projected assessment's parameters that name its source
PROJECTED_FROM = "projected_from"
SOURCE_FRAMEWORK = "source_framework"


class CarryStatus(StrEnum):
    """How much of a target requirement the sources carried."""

    CARRIED = "carried"
    CARRIED_PARTIAL = "carried_partial"
    NOT_CARRIED = "not_carried"


class EvidenceCheck(StrEnum):
    """What scoring the target requirement on the evidence says of the carried level."""

    AGREES = "agrees"
    DISAGREES = "disagrees"
    NO_EVIDENCE = "no_evidence"


class CarriedSource(BaseModel):
    """One source requirement that carried its level onto the target requirement.

    ``relationship`` reads from the target: ``superset`` means the target asks more than
    this source. ``reviewed`` means a reviewer decided the level in the source assessment
    (``review_state`` says how); in the target it is still to be reviewed.
    """

    model_config = ConfigDict(frozen=True)

    source_assessment_id: str
    framework: str
    ref_id: str
    relationship: Relationship
    level: int
    reviewed: bool
    review_state: str
    crosswalk: str
    crosswalk_version: str


class Projection(BaseModel):
    """Where a projected proposal's level came from, and what the evidence says of it."""

    model_config = ConfigDict(frozen=True)

    status: CarryStatus
    carried_from: tuple[CarriedSource, ...]
    evidence_check: EvidenceCheck
    evidence_level: int | None
    check_note: str


class ProjectedResult(BaseModel):
    """One target requirement of a projection: carried, or left for direct assessment.

    ``assessed_directly`` marks a requirement nothing carried that was then assessed in the
    same assessment ("fill the rest"); its ``level`` is that direct proposal's.
    """

    model_config = ConfigDict(frozen=True)

    ref_id: str
    title: str
    theme: str
    level: int | None
    status: CarryStatus
    carried_from: tuple[CarriedSource, ...]
    evidence_check: EvidenceCheck | None
    evidence_level: int | None = None
    check_note: str = ""
    assessed_directly: bool = False


class ThemeCoverage(BaseModel):
    """Per theme of the target: how much was carried, how much agrees, what remains.

    ``remaining`` counts the requirements neither carried nor assessed directly since.
    """

    model_config = ConfigDict(frozen=True)

    theme: str
    requirements: int
    carried: int
    agrees: int
    remaining: int
    assessed_directly: int = 0


class ProjectionReport(BaseModel):
    """A projection: the new assessment, its source, each requirement and the coverage.

    ``results`` list the disagreements first, then the other carried results, then the
    requirements nothing carried.
    """

    model_config = ConfigDict(frozen=True)

    assessment_id: str
    source_assessment_id: str
    source_framework: str
    framework: str
    workspace: str
    scale: str
    results: tuple[ProjectedResult, ...]
    coverage: tuple[ThemeCoverage, ...]
