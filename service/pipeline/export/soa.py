"""The Statement of Applicability of an ISO 27001 assessment: each Annex A control."""

from __future__ import annotations

import csv
import io

from service.domain.export import ExportDocument, ExportRequirement, neutralise
from service.domain.review import ReviewState
from service.errors import InvalidInputError

SOA_COLUMNS = ("control", "title", "applicable", "justification", "implementation_status",
               "level", "status", "evidence_references", "carried_from")
SoaRow = tuple[str, str, str, str, str, int | None, str, str, str]


def _justification(item: ExportRequirement) -> str:
    if item.review_state == ReviewState.NA or item.comment:
        return item.comment or "Marked not applicable by the reviewer."
    return item.rationale


def _implementation(item: ExportRequirement) -> str:
    if item.effective_level is None:
        return "not applicable"
    return f"{item.effective_level} {item.effective_label}".strip()


def soa_rows(document: ExportDocument) -> list[SoaRow]:
    """One row per Annex A control; InvalidInputError unless the framework is ISO 27001.

    ``carried_from`` names the source of a level a projection carried (empty otherwise).
    """
    if not document.report.framework.startswith("iso27001"):
        raise InvalidInputError(
            f"a Statement of Applicability is for ISO 27001 assessments, "
            f"not {document.report.framework}")
    rows = []
    for item in document.requirements:
        if not item.ref_id.startswith("A."):
            continue
        applicable = item.review_state != ReviewState.NA
        evidence = sorted({c.document for c in item.citations})
        rows.append((item.ref_id, item.title, "yes" if applicable else "no",
                     _justification(item), _implementation(item), item.effective_level,
                     item.status, " | ".join(evidence), item.carried_from))
    return rows


def soa_facts(document: ExportDocument) -> list[tuple[str, str]]:
    """What the SoA is of: framework, assessment, scope, date, and the source of a projection."""
    report = document.report
    facts = [("Framework", report.framework), ("Assessment", report.assessment_id),
             ("Scope", report.scope or "not stated"), ("Workspace", report.workspace),
             ("Date", f"{report.created_at:%Y-%m-%d %H:%M} UTC")]
    if document.projected_from:
        facts += [("Projected from", document.projected_from),
                  ("Crosswalks", "; ".join(document.crosswalks))]
    return facts


def render_soa_csv(document: ExportDocument) -> bytes:
    """The SoA as CSV (UTF-8 with a BOM), texts neutralised; the scope on every row."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow((*SOA_COLUMNS, "scope"))
    for row in soa_rows(document):
        writer.writerow([neutralise(v) if isinstance(v, str) else v
                         for v in (*row, document.report.scope or "")])
    return buffer.getvalue().encode("utf-8-sig")
