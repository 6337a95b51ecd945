"""Build the ``ExportDocument`` of an assessment: the report plus each requirement in full."""

from __future__ import annotations

from service.components.catalog import CatalogRegistry
from service.domain.assessment import Proposal
from service.domain.export import ExportDocument, ExportRequirement
from service.domain.report import DECIDED, RequirementStanding
from service.domain.review import RequirementReview, ReviewState
from service.errors import AssayError
from service.pipeline.context import PipelineContext
from service.pipeline.report import load_assessment, summarise
from service.pipeline.review import effective_status
from service.pipeline.signoff import list_signatures


def _status(state: ReviewState) -> str:
    if state in DECIDED:
        return "reviewed"
    return "changed_since_review" if state == ReviewState.CHANGED else "proposal"


def export_requirement(
    proposal: Proposal, standing: RequirementStanding, review: RequirementReview | None,
    labels: dict[int, str], suggested: tuple[str, ...],
) -> ExportRequirement:
    """One requirement's row: its levels, the reviewer's decision, and the evidence."""
    record = review.review if review is not None else None
    level = standing.effective_level
    return ExportRequirement(
        ref_id=proposal.ref_id, title=proposal.title, theme=proposal.theme,
        proposed_level=standing.proposed_level, reviewed_level=standing.reviewed_level,
        effective_level=level,
        effective_label="not applicable" if level is None else labels.get(level, ""),
        status=_status(standing.review_state), review_state=standing.review_state,
        proposal_status=proposal.status.value,
        reviewer=record.reviewer if record is not None else "",
        reviewed_at=record.created_at if record is not None else None,
        comment=record.comment if record is not None else "",
        rationale=proposal.rationale, confidence=proposal.confidence,
        citations=proposal.citations, gaps=proposal.gaps, suggested_evidence=suggested,
        projection=proposal.projection,
    )


def build_export_document(
    context: PipelineContext, registry: CatalogRegistry, assessment_id: str, workspace: str
) -> ExportDocument:
    """Everything an export shows of an assessment of ``workspace``; NotFoundError if absent."""
    header, proposals = load_assessment(context, assessment_id, workspace)
    with context.sessions() as session:
        reviews = effective_status(session, assessment_id, workspace)
        signatures = tuple(list_signatures(session, assessment_id, workspace))

    def typical_evidence(ref_id: str) -> tuple[str, ...]:
        try:
            return registry.requirement(header.framework, ref_id).typical_evidence
        except AssayError:  # a framework removed since, or a ref that no longer resolves
            return ()

    scale = registry.scale(header.scale)
    labels = {step.value: step.label for step in scale.levels}
    report = summarise(header, proposals, reviews, typical_evidence, max(labels))
    by_ref = {r.ref_id: r for r in reviews}
    standing = {s.ref_id: s for s in report.requirements}
    rows = tuple(
        export_requirement(p, standing[p.ref_id], by_ref.get(p.ref_id), labels,
                           typical_evidence(p.ref_id))
        for p in proposals
    )
    return ExportDocument(report=report, scale_name=scale.name, level_labels=labels,
                          requirements=rows, signatures=signatures)
