"""From facet findings to levels, by a documented, deterministic rule.

| level | when |
|---|---|
| 0 | no evidence passes the floor, or no facet met and under two sentences near (``relevant``) |
| 1 | evidence exists, but no documentation facet is met or partial |
| 2 | documentation facets partly met |
| 3 | all documentation facets met, or partly met while records show some of the practice |
| 4 | and all implementation facets met (record-backed; needs at least one) |
| 5 | and all improvement facets met (needs at least one) |

``documentation_level`` applies the rule to documentation facets alone (0-3).
``implementation_level`` reads the records: 0 no record among the evidence, 1 records but no
implementation facet shown, 2 partly shown, 4 all shown, 5 all shown and improvement too.
"""

from __future__ import annotations

from service.domain.assessment import FacetFinding, FacetStatus
from service.domain.catalog import FacetKind, Scale

SHOWN = {FacetStatus.MET, FacetStatus.PARTIAL}


def _of(findings: tuple[FacetFinding, ...], kind: FacetKind) -> list[FacetFinding]:
    return [f for f in findings if f.kind == kind]


def _all_met(findings: list[FacetFinding]) -> bool:
    return bool(findings) and all(f.status == FacetStatus.MET for f in findings)


def documentation_level(findings: tuple[FacetFinding, ...], has_evidence: bool) -> int:
    """0-3 from the documentation facets alone."""
    docs = _of(findings, FacetKind.DOCUMENTATION)
    if not has_evidence:
        return 0
    if _all_met(docs):
        return 3
    return 2 if any(f.status in SHOWN for f in docs) else 1


def implementation_level(findings: tuple[FacetFinding, ...], has_records: bool) -> int:
    """0, 1, 2, 4 or 5 from the implementation and improvement facets."""
    practice = _of(findings, FacetKind.IMPLEMENTATION)
    if not has_records:
        return 0
    if _all_met(practice):
        return 5 if _all_met(_of(findings, FacetKind.IMPROVEMENT)) else 4
    return 2 if any(f.status in SHOWN for f in practice) else 1


def relevant(findings: tuple[FacetFinding, ...], near: int, weak: float,
             corroboration: int) -> bool:
    """Whether the evidence comes near the requirement: every level above 0 needs it.

    A facet met outright stands on its own. Otherwise ``corroboration`` different sentences of
    the evidence must match some facet at least ``weak`` (``near`` counts them, hedged ones
    aside); a ``weak`` of 0: any evidence over the floor is enough. One sentence that is only
    near, or partly shows a facet, is not enough: a magazine article's list of topics
    ("passwords and multi-factor authentication, the review of user accounts, ...") or an
    aside in an unrelated policy comes near a requirement once, where an organisation with an
    approach to it writes about it in more than one sentence. Measured on the real comply
    labels and the graded profiles (evals/README.md, "Corroboration"). Removing documents can
    only lower a finding and the count, so the rule keeps levels monotone.
    """
    return (weak <= 0 or near >= corroboration
            or any(f.status == FacetStatus.MET for f in findings))


def maturity(findings: tuple[FacetFinding, ...], has_evidence: bool) -> int:
    """The 0-5 level of the table above.

    Partly written down but shown in use by records reads as defined (3): the records show
    the approach is applied, which a policy with gaps alone does not. Measured on the graded
    profiles, where level-4 companies came out at 2 (evals/README.md). Every step reads
    only whether facets are shown, so a finding that gets worse never raises the level.
    """
    level = documentation_level(findings, has_evidence)
    practice = _of(findings, FacetKind.IMPLEMENTATION)
    if level == 2 and any(f.status in SHOWN for f in practice):
        return 3
    if level < 3 or not _all_met(practice):
        return level
    return 5 if _all_met(_of(findings, FacetKind.IMPROVEMENT)) else 4


def on_scale(level: int, scale: Scale) -> int:
    """Map a 0-5 maturity to a scale by rule (CSF tiers 1-4; compliance 0-2)."""
    if scale.id == "csf-tiers":
        return {0: 1, 1: 1, 2: 2, 3: 3, 4: 4, 5: 4}[level]
    if scale.id == "compliance":
        return {0: 0, 1: 0, 2: 1, 3: 1, 4: 2, 5: 2}[level]
    values = sorted(lv.value for lv in scale.levels)
    return min(max(level, values[0]), values[-1])


def gaps(findings: tuple[FacetFinding, ...], typical_evidence: tuple[str, ...]) -> list[str]:
    """Unmet and partial facets in plain words, with the typical evidence as a suggestion."""
    suggestion = f" Suggested evidence: {'; '.join(typical_evidence)}." if typical_evidence else ""
    return [
        f"{'Partly shown' if f.status == FacetStatus.PARTIAL else 'Not shown'}: {f.text}"
        f"{suggestion if i == 0 else ''}"
        for i, f in enumerate(f for f in findings if f.status != FacetStatus.MET)
    ]


def confidence(findings: tuple[FacetFinding, ...], met: float, partial: float,
               agreement: float) -> float:
    """Clarity of the findings (weight 0.7) and the verifier's agreement (weight 0.3).

    Clarity is each match's distance from the nearest cut-off, saturating at 0.15.
    """
    if not findings:
        return 0.0
    margin = 0.15
    clarity = [
        min(1.0, min(abs(f.similarity - met), abs(f.similarity - partial)) / margin)
        if f.similarity > 0 else 1.0
        for f in findings
    ]
    return round(0.7 * sum(clarity) / len(clarity) + 0.3 * agreement, 3)
