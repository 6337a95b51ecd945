"""Store assessments with chosen proposal levels directly, for review and history tests."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from service.db import AssessmentRow, ProposalRow, Session, sessionmaker
from service.db.workspaces import get_or_create_workspace
from service.domain.assessment import Proposal, ProposalStatus, Provenance

FRAMEWORK = "iso27001-2022"
THEMES = {"A.5.15": "Organizational controls", "A.5.16": "Organizational controls",
          "A.5.18": "Organizational controls", "A.8.1": "Technological controls",
          "A.8.5": "Technological controls", "A.8.13": "Technological controls"}


def proposal(ref_id: str, level: int) -> Proposal:
    """A proposal of ``level`` for an ISO 27001 requirement, without evidence details."""
    return Proposal(
        ref_id=ref_id, title=f"title of {ref_id}", theme=THEMES[ref_id], maturity=level,
        level=level, documentation_level=min(level, 3), implementation_level=0,
        confidence=0.5, rationale="test", facets=(), citations=(), gaps=(),
        status=ProposalStatus.PROPOSED,
        provenance=Provenance(strategy="match", model_id="none", prompts={}, thresholds={},
                              retrieval={}, created_at=datetime.now(UTC)),
    )


def store_assessment(
    sessions: sessionmaker[Session], levels: dict[str, int], workspace: str = "qa",
    age_days: int = 0, framework: str = FRAMEWORK,
) -> str:
    """A completed assessment with one proposal per ref at the given level; returns its id."""
    with sessions() as session:
        space = get_or_create_workspace(session, workspace)
        row = AssessmentRow(
            id=str(uuid.uuid4()), workspace_id=space.id, framework_id=framework,
            scale_id="maturity-0-5", strategy="match", status="completed",
            requested=list(levels), parameters={},
            created_at=datetime.now(UTC) - timedelta(days=age_days),
        )
        session.add(row)
        for ref_id, level in levels.items():
            p = proposal(ref_id, level)
            session.add(ProposalRow(
                assessment_id=row.id, ref_id=ref_id, theme=p.theme, maturity=level, level=level,
                confidence=p.confidence, status=p.status.value, payload=p.model_dump(mode="json"),
            ))
        session.commit()
        return row.id
