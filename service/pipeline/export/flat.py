"""CSV and JSON exports: one flat row per requirement, with stable column names.

The columns are documented in the README ("Exports"); renaming one breaks the scripts
that read them.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from service.domain.export import ExportDocument, ExportRequirement, citation_text, neutralise

COLUMNS = (
    "ref_id", "title", "theme", "proposed_level", "reviewed_level", "effective_level",
    "effective_label", "status", "review_state", "proposal_status", "reviewer", "reviewed_at",
    "comment", "rationale", "confidence", "citations", "gaps", "suggested_evidence",
    "carry_status", "carried_from", "evidence_check", "evidence_note", "scope",
)


def flat_row(item: ExportRequirement, scope: str | None) -> dict[str, str | int | float | None]:
    """A requirement as one row of scalars (lists joined with `` | ``).

    The carry columns are empty unless the level was carried by a projection; ``scope`` is
    the assessment's scope statement, on every row so that each row stands alone.
    """
    carried = item.projection
    return {
        "ref_id": item.ref_id, "title": item.title, "theme": item.theme,
        "proposed_level": item.proposed_level, "reviewed_level": item.reviewed_level,
        "effective_level": item.effective_level, "effective_label": item.effective_label,
        "status": item.status, "review_state": item.review_state.value,
        "proposal_status": item.proposal_status, "reviewer": item.reviewer,
        "reviewed_at": item.reviewed_at.isoformat() if item.reviewed_at else None,
        "comment": item.comment, "rationale": item.rationale, "confidence": item.confidence,
        "citations": " | ".join(citation_text(c) for c in item.citations),
        "gaps": " | ".join(item.gaps),
        "suggested_evidence": " | ".join(item.suggested_evidence),
        "carry_status": carried.status.value if carried else None,
        "carried_from": item.carried_from or None,
        "evidence_check": carried.evidence_check.value if carried else None,
        "evidence_note": carried.check_note if carried else None,
        "scope": scope,
    }


def render_csv(document: ExportDocument) -> bytes:
    """One header row and one row per requirement, UTF-8 with a BOM for Excel; texts neutralised."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for item in document.requirements:
        row = flat_row(item, document.report.scope)
        writer.writerow({k: neutralise(v) if isinstance(v, str) else v for k, v in row.items()})
    return buffer.getvalue().encode("utf-8-sig")


def export_json(document: ExportDocument) -> dict[str, Any]:
    """The whole assessment as one JSON object: header, summary, requirements, gaps."""
    report = document.report
    return {
        "assessment_id": report.assessment_id, "framework": report.framework,
        "workspace": report.workspace, "scope": report.scope,
        "projected_from": None if not report.projected_from else {
            "assessment_id": report.projected_from, "framework": report.source_framework},
        "crosswalks": list(document.crosswalks),
        "scale": report.scale, "scale_name": document.scale_name,
        "levels": {str(k): v for k, v in document.level_labels.items()},
        "status": report.status.value, "created_at": report.created_at.isoformat(),
        "reviewers": list(document.reviewers),
        "signatures": [s.model_dump(mode="json") for s in document.signatures],
        "review": {k.value: v for k, v in report.review.items()},
        "counts": {k.value: v for k, v in report.counts.items()},
        "themes": [t.model_dump(mode="json") for t in report.themes],
        "requirements": [
            {k: v for k, v in flat_row(item, report.scope).items() if k != "scope"} | {
                "carried_from": None if item.projection is None else [
                    s.model_dump(mode="json") for s in item.projection.carried_from],
                "citations": [c.model_dump(mode="json") for c in item.citations],
                "gaps": list(item.gaps), "suggested_evidence": list(item.suggested_evidence),
            }
            for item in document.requirements
        ],
        "gaps": [g.model_dump(mode="json") for g in document.gaps],
    }


def render_json(document: ExportDocument) -> bytes:
    """``export_json`` as indented UTF-8."""
    return json.dumps(export_json(document), indent=2, ensure_ascii=False).encode("utf-8")
