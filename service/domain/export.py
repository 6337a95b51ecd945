"""What an export holds: the report, and each requirement with everything a reader needs.

Every export (csv, json, xlsx, pdf, soa, oscal) is drawn from one ``ExportDocument``, so
the levels, statuses and counts agree across formats and with ``assay report``.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from service.domain.assessment import Citation
from service.domain.projection import CarriedSource, Projection
from service.domain.report import GapItem, Report
from service.domain.review import ReviewState
from service.domain.signature import Signature


class ExportFormat(StrEnum):
    """The file formats of ``assay export``."""

    XLSX = "xlsx"
    CSV = "csv"
    JSON = "json"
    PDF = "pdf"
    SOA = "soa"
    OSCAL = "oscal"


class ExportRequirement(BaseModel):
    """One requirement as exported: proposed, reviewed and effective level, and why.

    ``status`` is ``reviewed`` where a reviewer decided (accepted, overridden, not
    applicable), ``changed_since_review`` where a carried-over review no longer matches the
    proposal, and ``proposal`` elsewhere.
    """

    model_config = ConfigDict(frozen=True)

    ref_id: str
    title: str
    theme: str
    proposed_level: int | None
    reviewed_level: int | None
    effective_level: int | None
    effective_label: str
    status: str
    review_state: ReviewState
    proposal_status: str
    reviewer: str
    reviewed_at: datetime | None
    comment: str
    rationale: str
    confidence: float
    citations: tuple[Citation, ...]
    gaps: tuple[str, ...]
    suggested_evidence: tuple[str, ...]
    projection: Projection | None = None

    @property
    def carried_from(self) -> str:
        """Where a carried level came from, one source per line part; empty if not carried."""
        if self.projection is None:
            return ""
        return " | ".join(source_text(s) for s in self.projection.carried_from)

    @property
    def evidence_check(self) -> str:
        """The evidence check of a carried level in words; empty if not carried."""
        if self.projection is None:
            return ""
        check = self.projection.evidence_check.value
        return f"{check}: {self.projection.check_note}" if self.projection.check_note else check


class ExportDocument(BaseModel):
    """The report of an assessment, with every requirement in full and the scale's labels."""

    model_config = ConfigDict(frozen=True)

    report: Report
    scale_name: str
    level_labels: dict[int, str]
    requirements: tuple[ExportRequirement, ...]
    signatures: tuple[Signature, ...] = ()

    @property
    def signed_by(self) -> tuple[str, ...]:
        """Each standing signature in words: who, meaning, when, and whether content is intact."""
        return tuple(
            f"{s.signer} ({s.meaning.value}, {s.signed_at:%Y-%m-%d %H:%M} UTC"
            f"{'' if s.content_intact else '; content changed since'})"
            for s in self.signatures if s.voided_at is None
        )

    @property
    def projected_from(self) -> str:
        """``iso27001-2022 assessment <id>`` for a projection; empty for a direct assessment."""
        report = self.report
        if not report.projected_from:
            return ""
        return f"{report.source_framework} assessment {report.projected_from}"

    @property
    def crosswalks(self) -> tuple[str, ...]:
        """The crosswalk files (with their versions) that carried any level, sorted."""
        return tuple(sorted({f"{s.crosswalk} (version {s.crosswalk_version})"
                             for r in self.requirements if r.projection is not None
                             for s in r.projection.carried_from}))

    @property
    def gaps(self) -> tuple[GapItem, ...]:
        """The gaps, most urgent first (as in the report)."""
        return self.report.gaps

    @property
    def reviewers(self) -> tuple[str, ...]:
        """Who reviewed any requirement, sorted."""
        return tuple(sorted({r.reviewer for r in self.requirements if r.reviewer}))


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: str) -> str:
    """Prefix a text that a spreadsheet would read as a formula with an apostrophe.

    Document names, quotes and comments come from users and uploads; OWASP's advice on
    CSV injection is to make such a cell start with a single quote (CSV and xlsx alike).
    """
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def citation_text(citation: Citation) -> str:
    """``document, p. 3, Heading: "quote"``: one citation on one line."""
    where = [citation.document]
    if citation.page is not None:
        where.append(f"p. {citation.page}")
    if citation.heading:
        where.append(citation.heading)
    return f'{", ".join(where)}: "{citation.quote}"'


def source_text(source: CarriedSource) -> str:
    """One carried source in words: framework, ref, relationship, level, review, crosswalk."""
    review = f"reviewed: {source.review_state}" if source.reviewed else "not reviewed"
    return (f"{source.framework} {source.ref_id} ({source.relationship.value}, level "
            f"{source.level}, {review}; assessment {source.source_assessment_id}; crosswalk "
            f"{source.crosswalk} version {source.crosswalk_version})")
