"""One assessment as the pages show it: header, framework, scale and review rows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from service.composition import Services
from service.domain.assessment import AssessmentStatus
from service.domain.catalog import FrameworkInfo, Scale
from service.domain.signature import Signature
from service.pipeline.report import load_assessment
from service.pipeline.review import effective_status
from service.pipeline.signoff import list_signatures
from service.web.review_rows import ReviewRow, build_rows


@dataclass(frozen=True)
class AssessmentView:
    """An assessment of a workspace, with every requirement's proposal and review state."""

    id: str
    workspace: str
    framework: FrameworkInfo
    scale: Scale
    status: AssessmentStatus
    created_at: datetime
    rows: list[ReviewRow]
    signatures: list[Signature]
    scope: str | None = None

    @property
    def standing(self) -> list[Signature]:
        """The signatures that stand: while any does, the assessment takes no reviews."""
        return [s for s in self.signatures if s.active]

    @property
    def themes(self) -> list[str]:
        """The themes of its requirements, in order of first appearance."""
        return list(dict.fromkeys(row.proposal.theme for row in self.rows))

    @property
    def projected(self) -> bool:
        """Whether its levels were carried from another framework's assessment."""
        return any(row.proposal.projection is not None for row in self.rows)

    @property
    def base_url(self) -> str:
        """The path of its review table; its other pages hang below it."""
        return f"/w/{self.workspace}/assessments/{self.id}"

    def row(self, ref_id: str) -> ReviewRow | None:
        """The row of one requirement, if it was assessed."""
        return next((row for row in self.rows if row.ref_id == ref_id), None)

    def level_label(self, level: int | None) -> str:
        """A level with its name on the assessment's scale, e.g. ``3 · defined``."""
        if level is None:
            return "N/A"
        label = next((step.label for step in self.scale.levels if step.value == level), "")
        return f"{level} · {label}" if label else str(level)


def load_view(svc: Services, workspace: str, assessment_id: str) -> AssessmentView:
    """The assessment, only if it belongs to the workspace (NotFoundError otherwise)."""
    with svc.context.sessions() as session:
        reviews = effective_status(session, assessment_id, workspace)
        signatures = list_signatures(session, assessment_id, workspace)
    header, proposals = load_assessment(svc.context, assessment_id, workspace)
    return AssessmentView(
        id=header.assessment_id,
        workspace=workspace,
        framework=svc.registry.get(header.framework).framework,
        scale=svc.registry.scale(header.scale),
        status=header.status,
        created_at=header.created_at,
        rows=build_rows(proposals, reviews),
        signatures=signatures,
        scope=header.scope,
    )
