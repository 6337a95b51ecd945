"""Assessments: starting one, its results (the shape of CLI.md's `assess`) and its report."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field

from service.api.schemas.common import UtcDatetime
from service.api.schemas.signatures import SignaturePublic
from service.domain.assessment import (
    AssessmentStatus,
    Citation,
    FacetStatus,
    ProposalStatus,
    RationaleSource,
)
from service.domain.catalog import FacetKind
from service.domain.export import ExportFormat
from service.domain.history import AssessmentComparison, AssessmentSide
from service.domain.report import Report
from service.domain.scope import SCOPE_MAX_CHARS


class AssessmentCreate(BaseModel):
    """Assess the workspace against a framework: all of it, or some requirements."""

    framework: str = Field(min_length=1, max_length=100, examples=["iso27001-2022"])
    requirements: list[str] = Field(default=[], max_length=500, examples=[["A.5.15"]])
    scale: str | None = Field(default=None, max_length=100)
    resume: str | None = Field(default=None, max_length=36,
                               description="Finish this interrupted assessment instead.")
    scope: str | None = Field(
        default=None, max_length=SCOPE_MAX_CHARS,
        description="What the assessment covers (free text, shown in every export).",
        examples=["ISMS of the Berlin site: production IT and the QA laboratory"])
    as_of: date | None = Field(
        default=None, examples=["2026-06-30"],
        description="Judge records' freshness as of this day (ISO date); default today.")


class ScopeUpdate(BaseModel):
    """A new scope statement; null or blank removes it."""

    scope: str | None = Field(max_length=SCOPE_MAX_CHARS)


class ScopePublic(BaseModel):
    """An assessment's scope statement (null when it has none)."""

    assessment_id: str
    scope: str | None


class FacetPublic(BaseModel):
    """A facet's finding, with the verbatim sentence that supports it."""

    id: str
    text: str
    kind: FacetKind
    status: FacetStatus
    quote: str | None
    chunk_id: str | None


class ResultPublic(BaseModel):
    """One requirement's proposal."""

    ref_id: str
    title: str
    level: int | None
    documentation_level: int
    implementation_level: int
    confidence: float
    rationale: str
    rationale_source: RationaleSource = Field(
        description="template, model, or pending: the model's rationale is still being written "
                    "after the levels, and the template's stands in until then.")
    facets: list[FacetPublic]
    citations: list[Citation]
    gaps: list[str]
    status: ProposalStatus


class AssessmentPublic(BaseModel):
    """An assessment and its proposals, in the order they were made."""

    assessment_id: str
    framework: str
    workspace: str
    scale: str
    status: AssessmentStatus
    created_at: UtcDatetime
    scope: str | None = None
    projected_from: str | None = None
    source_framework: str | None = None
    as_of: date | None = Field(
        default=None, description="The day records were judged fresh or stale against.")
    results: list[ResultPublic]
    signatures: list[SignaturePublic] = []


class ReportPublic(Report):
    """The report: themes (proposed and after review), standings, counts, gaps, prioritised."""

    created_at: UtcDatetime


class SidePublic(AssessmentSide):
    """One of the two assessments compared."""

    created_at: UtcDatetime


class ComparisonPublic(AssessmentComparison):
    """Levels per requirement and per theme, from assessment ``a`` to assessment ``b``."""

    a: SidePublic
    b: SidePublic


class ExportCreate(BaseModel):
    """Export this assessment as a job; download the file from ``GET /jobs/{id}/file``."""

    format: ExportFormat = Field(default=ExportFormat.XLSX, examples=["pdf"])


class ProjectionCreate(BaseModel):
    """Carry this assessment onto another framework through the crosswalks."""

    to: str = Field(min_length=1, max_length=100, examples=["nist-csf-2.0"])
