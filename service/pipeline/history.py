"""History: each assessment is a dated snapshot, and two of them can be compared."""

from __future__ import annotations

from service.db import AssessmentRow, Session
from service.domain.history import (
    AssessmentComparison,
    AssessmentSide,
    RequirementDelta,
    ThemeDelta,
)
from service.domain.review import RequirementReview
from service.errors import InvalidInputError
from service.pipeline.review import effective_status, open_assessment


def _side(row: AssessmentRow, workspace: str) -> AssessmentSide:
    return AssessmentSide(
        assessment_id=row.id, workspace=workspace, created_at=row.created_at, status=row.status
    )


def _mean(levels: list[int | None]) -> float | None:
    known = [level for level in levels if level is not None]
    return round(sum(known) / len(known), 2) if known else None


def _difference(a: float | None, b: float | None) -> float | None:
    return None if a is None or b is None else round(b - a, 2)


def _themes(
    a: dict[str, RequirementReview], b: dict[str, RequirementReview]
) -> list[ThemeDelta]:
    order = list(dict.fromkeys([r.theme for r in a.values()] + [r.theme for r in b.values()]))
    deltas = []
    for theme in order:
        a_levels = [r.level for r in a.values() if r.theme == theme]
        b_levels = [r.level for r in b.values() if r.theme == theme]
        a_mean, b_mean = _mean(a_levels), _mean(b_levels)
        deltas.append(ThemeDelta(
            theme=theme, a_mean=a_mean, b_mean=b_mean, delta=_difference(a_mean, b_mean),
            a_requirements=len(a_levels), b_requirements=len(b_levels),
        ))
    return deltas


def compare_assessments(
    session: Session, a_id: str, b_id: str, workspace: str
) -> AssessmentComparison:
    """Levels per requirement and per theme from ``a`` to ``b`` (reviewed levels first).

    Both must assess the same framework on the same scale; a requirement assessed in only
    one of them has no delta. Both must belong to ``workspace``.
    """
    a_row = open_assessment(session, a_id, workspace)
    b_row = open_assessment(session, b_id, workspace)
    if a_row.framework_id != b_row.framework_id:
        raise InvalidInputError(
            f"assessment {a_id} is of {a_row.framework_id} and {b_id} of {b_row.framework_id}: "
            "only assessments of the same framework compare"
        )
    if a_row.scale_id != b_row.scale_id:
        raise InvalidInputError(
            f"assessment {a_id} uses scale {a_row.scale_id} and {b_id} {b_row.scale_id}: "
            "levels on different scales do not compare"
        )
    a = {r.ref_id: r for r in effective_status(session, a_id, workspace)}
    b = {r.ref_id: r for r in effective_status(session, b_id, workspace)}
    requirements = []
    for ref_id in dict.fromkeys([*a, *b]):
        old, new = a.get(ref_id), b.get(ref_id)
        shown = new or a[ref_id]
        a_level = None if old is None else old.level
        b_level = None if new is None else new.level
        requirements.append(RequirementDelta(
            ref_id=ref_id, title=shown.title, theme=shown.theme, a_level=a_level,
            b_level=b_level,
            delta=None if a_level is None or b_level is None else b_level - a_level,
            a_proposed=None if old is None else old.proposed_level,
            b_proposed=None if new is None else new.proposed_level,
            a_state=None if old is None else old.state,
            b_state=None if new is None else new.state,
        ))
    return AssessmentComparison(
        framework=a_row.framework_id, scale=a_row.scale_id, a=_side(a_row, workspace),
        b=_side(b_row, workspace), requirements=tuple(requirements), themes=tuple(_themes(a, b)),
    )
