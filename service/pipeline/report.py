"""Assessment reports: maturity per theme, counts by status, and the gaps, prioritised."""

from __future__ import annotations

from collections import Counter
from typing import Any

from service.db.assessments import find_assessment, proposals_of
from service.db.tables import WorkspaceRow
from service.domain.assessment import Proposal
from service.domain.review import ReviewState
from service.errors import NotFoundError
from service.pipeline.context import PipelineContext
from service.pipeline.review import effective_status


def load_assessment(context: PipelineContext,
                    assessment_id: str) -> tuple[dict[str, Any], list[Proposal]]:
    """The assessment's header and its proposals; NotFoundError for an unknown id."""
    with context.sessions() as session:
        row = find_assessment(session, assessment_id)
        if row is None:
            raise NotFoundError(f"no assessment '{assessment_id}'")
        workspace = session.get(WorkspaceRow, row.workspace_id)
        header = {
            "assessment_id": row.id, "framework": row.framework_id,
            "workspace": workspace.slug if workspace else None, "scale": row.scale_id,
            "status": row.status, "created_at": row.created_at.isoformat(),
        }
        proposals = [Proposal.model_validate(p.payload) for p in proposals_of(session, row.id)]
    return header, proposals


def themes(proposals: list[Proposal]) -> list[dict[str, Any]]:
    """Per theme: mean maturity, the distribution of levels, and how many requirements."""
    grouped: dict[str, list[Proposal]] = {}
    for proposal in proposals:
        grouped.setdefault(proposal.theme, []).append(proposal)
    return [
        {
            "theme": theme,
            "requirements": len(items),
            "mean": round(sum(p.maturity for p in items) / len(items), 2),
            "distribution": {str(k): v for k, v in sorted(Counter(p.maturity for p in items)
                                                          .items())},
        }
        for theme, items in grouped.items()
    ]


def prioritised_gaps(proposals: list[Proposal]) -> list[dict[str, Any]]:
    """Requirements with gaps: no evidence first, then the lowest levels."""
    with_gaps = [p for p in proposals if p.gaps]
    with_gaps.sort(key=lambda p: (bool(p.citations), p.maturity, p.ref_id))
    return [
        {"ref_id": p.ref_id, "title": p.title, "theme": p.theme, "level": p.level,
         "maturity": p.maturity, "evidence_found": bool(p.citations), "gaps": list(p.gaps)}
        for p in with_gaps
    ]


def review_counts(context: PipelineContext, assessment_id: str) -> dict[str, int]:
    """How many requirements stand in each review state, every state listed."""
    with context.sessions() as session:
        states = Counter(r.state for r in effective_status(session, assessment_id))
    return {state.value: states[state] for state in ReviewState}


def build_report(context: PipelineContext, assessment_id: str) -> dict[str, Any]:
    """The whole report as plain data, for JSON and for the terminal."""
    header, proposals = load_assessment(context, assessment_id)
    screened = [c for c in context.store.chunks(str(header["workspace"])) if c.screened]
    return header | {
        "themes": themes(proposals),
        "counts": dict(Counter(p.status.value for p in proposals)),
        "review": review_counts(context, assessment_id),
        "gaps": prioritised_gaps(proposals),
        "screened": [{"chunk_id": c.chunk_id, "document": c.document, "text": c.text}
                     for c in screened],
    }
