"""Assessment reports: maturity per theme, counts by status, and the gaps, prioritised.

The one place that turns an assessment and its reviews into a ``Report``; the API, the
CLI, the pages and the exports all show this.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable

from service.components.catalog import CatalogRegistry
from service.db.assessments import proposals_of
from service.domain.assessment import AssessmentStatus, FacetStatus, Proposal, ProposalStatus
from service.domain.evidence import Chunk
from service.domain.projection import PROJECTED_FROM, SOURCE_FRAMEWORK
from service.domain.report import (
    AssessmentHeader,
    FacetGap,
    GapItem,
    Report,
    RequirementStanding,
    ScreenedPassage,
    ThemeSummary,
)
from service.domain.review import RequirementReview, ReviewState
from service.errors import AssayError
from service.pipeline.assess import assessment_as_of
from service.pipeline.context import PipelineContext
from service.pipeline.review import effective_status, open_assessment
from service.pipeline.visible import visible_documents


def load_assessment(
    context: PipelineContext, assessment_id: str, workspace: str
) -> tuple[AssessmentHeader, list[Proposal]]:
    """The assessment's header and its proposals; NotFoundError unless it is in ``workspace``."""
    with context.sessions() as session:
        row = open_assessment(session, assessment_id, workspace)
        header = AssessmentHeader(
            assessment_id=row.id, framework=row.framework_id, workspace=workspace,
            scale=row.scale_id, status=AssessmentStatus(row.status), created_at=row.created_at,
            scope=row.scope, projected_from=row.parameters.get(PROJECTED_FROM),
            source_framework=row.parameters.get(SOURCE_FRAMEWORK),
            as_of=assessment_as_of(row),
        )
        proposals = [Proposal.model_validate(p.payload) for p in proposals_of(session, row.id)]
    return header, proposals


def _mean(levels: Iterable[int | None]) -> float | None:
    known = [level for level in levels if level is not None]
    return round(sum(known) / len(known), 2) if known else None


def standings(
    proposals: Iterable[Proposal], reviews: Iterable[RequirementReview]
) -> list[RequirementStanding]:
    """Each proposal with the review that applies to it, in the order they were made."""
    by_ref = {review.ref_id: review for review in reviews}
    found = []
    for p in proposals:
        review = by_ref.get(p.ref_id)
        decided = review.review if review is not None else None
        found.append(RequirementStanding(
            ref_id=p.ref_id, title=p.title, theme=p.theme, status=p.status,
            review_state=review.state if review is not None else ReviewState.PENDING,
            proposed_level=p.level,
            reviewed_level=decided.level if decided is not None else None,
            effective_level=decided.level if decided is not None else p.level,
            projection=p.projection,
        ))
    return found


def theme_summaries(items: Iterable[RequirementStanding]) -> list[ThemeSummary]:
    """Per theme, in order of first appearance: counts, the two means, the distribution."""
    grouped: dict[str, list[RequirementStanding]] = {}
    for item in items:
        grouped.setdefault(item.theme, []).append(item)
    summaries = []
    for theme, members in grouped.items():
        levels = Counter(m.effective_level for m in members if m.effective_level is not None)
        summaries.append(ThemeSummary(
            theme=theme, requirements=len(members), reviewed=sum(m.reviewed for m in members),
            proposed_mean=_mean(m.proposed_level for m in members),
            effective_mean=_mean(m.effective_level for m in members),
            distribution={str(level): n for level, n in sorted(levels.items())},
        ))
    return summaries


def prioritised_gaps(
    proposals: Iterable[Proposal],
    items: Iterable[RequirementStanding],
    typical_evidence: Callable[[str], tuple[str, ...]],
    top_level: int,
) -> list[GapItem]:
    """Requirements with gaps, no evidence first, then the lowest level that counts.

    A requirement without a level that counts (not applicable) has no gaps, and neither
    has one whose level that counts is the top of the scale.
    """
    standing = {item.ref_id: item for item in items}
    gaps = []
    for p in proposals:
        item = standing[p.ref_id]
        if not p.gaps or item.effective_level is None or item.effective_level >= top_level:
            continue
        gaps.append(GapItem(
            ref_id=p.ref_id, title=p.title, theme=p.theme, review_state=item.review_state,
            proposed_level=p.level, effective_level=item.effective_level,
            evidence_found=bool(p.citations),
            facets=tuple(FacetGap(facet_id=f.id, text=f.text, kind=f.kind, status=f.status)
                         for f in p.facets if f.status != FacetStatus.MET),
            suggested_evidence=typical_evidence(p.ref_id),
        ))
    gaps.sort(key=lambda g: (g.evidence_found, g.effective_level or 0, g.ref_id))
    return gaps


def summarise(
    header: AssessmentHeader,
    proposals: list[Proposal],
    reviews: Iterable[RequirementReview],
    typical_evidence: Callable[[str], tuple[str, ...]],
    top_level: int,
    screened: Iterable[Chunk] = (),
) -> Report:
    """The report of an assessment from its proposals and the reviews that apply."""
    items = standings(proposals, reviews)
    statuses = Counter(p.status for p in proposals)
    states = Counter(item.review_state for item in items)
    return Report(
        **header.model_dump(),
        themes=tuple(theme_summaries(items)),
        requirements=tuple(items),
        counts={status: statuses[status] for status in ProposalStatus},
        review={state: states[state] for state in ReviewState},
        gaps=tuple(prioritised_gaps(proposals, items, typical_evidence, top_level)),
        screened=tuple(ScreenedPassage(chunk_id=c.chunk_id, document=c.document, text=c.text)
                       for c in screened),
    )


def build_report(
    context: PipelineContext, registry: CatalogRegistry, assessment_id: str, workspace: str
) -> Report:
    """The report of an assessment of ``workspace``; NotFoundError if it is not there."""
    header, proposals = load_assessment(context, assessment_id, workspace)
    with context.sessions() as session:
        reviews = effective_status(session, assessment_id, workspace)

    def typical_evidence(ref_id: str) -> tuple[str, ...]:
        try:
            return registry.requirement(header.framework, ref_id).typical_evidence
        except AssayError:  # a framework removed since, or a ref that no longer resolves
            return ()

    top_level = max(step.value for step in registry.scale(header.scale).levels)
    shown = context.store.chunks(workspace, visible=visible_documents(context, workspace))
    screened = [c for c in shown if c.screened]
    return summarise(header, proposals, reviews, typical_evidence, top_level, screened)
