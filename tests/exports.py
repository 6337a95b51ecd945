"""A small reviewed ISO 27001 assessment for export tests, with citations and gaps.

A.5.15 is proposed 2 with a citation whose document name and quote look like formulas;
A.5.16 is proposed 3 and overridden to 5; A.8.1 is proposed 1 and marked not applicable.
Its scope statement is ``SCOPE``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import select

from service.cli.serve import first_start
from service.components.catalog import build_registry
from service.db import ProposalRow
from service.domain.assessment import Citation
from service.domain.review import ReviewAction
from service.pipeline.review import ReviewDecision, review_proposal
from service.pipeline.scope import set_scope
from service.pipeline.storage import open_database
from service.settings import Settings
from tests.assessments import proposal, store_assessment

EVIL_DOCUMENT = "=HYPERLINK(\"http://x\")policy.pdf"
EVIL_QUOTE = "+1 access is reviewed quarterly"
SCOPE = "ISMS of the Berlin site: payroll IT and the QA laboratory"


@dataclass(frozen=True)
class Exportable:
    settings: Settings
    admin_token: str
    assessment_id: str


def exportable_assessment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Exportable:
    """Store and review the assessment; the CLI's settings point at its data dir."""
    monkeypatch.setenv("ASSAY_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("ASSAY_EMBEDDING__MODE", "fake")
    settings = Settings(data_dir=tmp_path / "data")
    token = first_start(settings)
    assert token is not None
    sessions = open_database(settings)
    assessment_id = store_assessment(sessions, {"A.5.15": 2, "A.5.16": 3, "A.8.1": 1})
    rich = proposal("A.5.15", 2).model_copy(update={
        "citations": (Citation(chunk_id="c1", document=EVIL_DOCUMENT, page=3,
                               heading="Access", quote=EVIL_QUOTE),),
        "gaps": ("Not shown: access reviews are logged",),
        "rationale": "The policy defines access control; no review records.",
    })
    registry = build_registry(settings)
    with sessions() as session:
        row = session.scalars(select(ProposalRow).where(
            ProposalRow.assessment_id == assessment_id, ProposalRow.ref_id == "A.5.15")).one()
        row.payload = rich.model_dump(mode="json")
        session.commit()
        for decision in (
            ReviewDecision(assessment_id, "A.5.16", ReviewAction.OVERRIDE, 5, "records show it"),
            ReviewDecision(assessment_id, "A.8.1", ReviewAction.NA, None, "no own premises"),
        ):
            review_proposal(session, registry, decision, actor="admin", workspace="qa")
        set_scope(session, assessment_id, "qa", SCOPE, "admin")
    return Exportable(settings, token, assessment_id)
