"""The carrying rules of a projection, and the evidence check of a carried level.

Relationships read from the target requirement towards a source requirement (the registry
gives each link in both directions, the inverse relationship on the far side):

- ``equal``: the source shows all the target asks; its level carries (``carried``).
- ``subset``: the target is part of the source, so the source shows all the target asks;
  its level carries (``carried``).
- ``superset`` and ``intersect``: the target asks more than (or other than) the source
  shows; the level carries at most as it is, as ``carried_partial``.

Several sources combine by one rule: when any source covers the whole target (``equal`` or
``subset``), the minimum of those sources' levels carries as ``carried``; otherwise the
minimum of the partial sources' levels carries as ``carried_partial``. The minimum because
a target is no more mature than the weakest part of it the sources show.

Only assessed source requirements carry, with the level that counts in the source report
(the reviewer's where one decided). A source without a level (not applicable) carries
nothing. A reviewed source level is recorded as reviewed in the source; in the target it
is a proposal like any other. A target that no carrying source reaches is ``not_carried``
with no level.

The evidence check scores the target requirement afresh on the workspace's evidence: it
``agrees`` when that level is within one step of the carried level, ``disagrees`` when it
is further off (both levels and the first gap say why), and says ``no_evidence`` when no
passage passed the relevance floor.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from service.components.catalog import LinkedRequirement
from service.domain.assessment import Proposal
from service.domain.catalog import Relationship
from service.domain.projection import CarriedSource, CarryStatus, EvidenceCheck
from service.domain.report import RequirementStanding

COVERING = frozenset({Relationship.EQUAL, Relationship.SUBSET})
AGREEMENT_STEPS = 1


@dataclass(frozen=True)
class Carried:
    """The level a target requirement receives and the sources it came from."""

    level: int | None
    status: CarryStatus
    sources: tuple[CarriedSource, ...]


def carried_sources(
    source_assessment_id: str,
    links: Iterable[LinkedRequirement],
    standings: dict[str, RequirementStanding],
) -> list[CarriedSource]:
    """The linked source requirements that carry: assessed, and with a level that counts."""
    found = []
    for link in links:
        standing = standings.get(link.ref_id)
        if standing is None or standing.effective_level is None:
            continue
        found.append(CarriedSource(
            source_assessment_id=source_assessment_id, framework=link.framework,
            ref_id=link.ref_id, relationship=link.relationship,
            level=standing.effective_level, reviewed=standing.reviewed,
            review_state=standing.review_state.value,
            crosswalk=link.origin.file if link.origin else "",
            crosswalk_version=link.origin.version if link.origin else "",
        ))
    return found


def combine(sources: list[CarriedSource]) -> Carried:
    """The carried level and status by the rules above; ``not_carried`` without sources."""
    if not sources:
        return Carried(None, CarryStatus.NOT_CARRIED, ())
    covering = [s for s in sources if s.relationship in COVERING]
    if covering:
        return Carried(min(s.level for s in covering), CarryStatus.CARRIED, tuple(covering))
    return Carried(min(s.level for s in sources), CarryStatus.CARRIED_PARTIAL, tuple(sources))


def check_evidence(carried_level: int, scored: Proposal) -> tuple[EvidenceCheck, str]:
    """Compare a carried level with the target requirement scored on the evidence."""
    if not scored.citations or scored.level is None:
        return EvidenceCheck.NO_EVIDENCE, "no passage of the workspace passed the relevance floor"
    if abs(scored.level - carried_level) <= AGREEMENT_STEPS:
        return EvidenceCheck.AGREES, f"carried {carried_level}, the evidence shows {scored.level}"
    why = scored.gaps[0] if scored.level < carried_level and scored.gaps else scored.rationale
    return (EvidenceCheck.DISAGREES,
            f"carried {carried_level}, the evidence shows {scored.level}: {why}")
