"""The level rule: findings to maturity, the scale mappings, the gaps and the confidence."""

from __future__ import annotations

import itertools

import pytest

from service.components.catalog.loader import DEFAULT_CORPORA_DIR, load_model_file
from service.domain.assessment import FacetFinding, FacetStatus
from service.domain.catalog import FacetKind, Scale, ScaleFile
from service.pipeline.score import levels

DOC, IMPL, IMPR = FacetKind.DOCUMENTATION, FacetKind.IMPLEMENTATION, FacetKind.IMPROVEMENT
MET, PARTIAL, NOT_MET = FacetStatus.MET, FacetStatus.PARTIAL, FacetStatus.NOT_MET
STATUS_ORDER = {NOT_MET: 0, PARTIAL: 1, MET: 2}


def finding(kind: FacetKind, status: FacetStatus, n: int = 1, similarity: float = 0.0
            ) -> FacetFinding:
    return FacetFinding(id=f"X.1-f{n}", text=f"{kind.value} facet number {n}", kind=kind,
                        status=status, similarity=similarity)


def findings(*pairs: tuple[FacetKind, FacetStatus]) -> tuple[FacetFinding, ...]:
    return tuple(finding(kind, status, n) for n, (kind, status) in enumerate(pairs, start=1))


def scale(scale_id: str) -> Scale:
    scales = load_model_file(DEFAULT_CORPORA_DIR / "scales.yaml", ScaleFile).scales
    return next(s for s in scales if s.id == scale_id)


@pytest.mark.parametrize(
    ("pairs", "has_evidence", "expected"),
    [
        (((DOC, MET), (IMPL, MET), (IMPR, MET)), False, 0),
        (((DOC, NOT_MET), (DOC, NOT_MET), (IMPL, MET)), True, 1),
        (((DOC, PARTIAL), (DOC, NOT_MET), (IMPL, NOT_MET)), True, 2),
        (((DOC, MET), (DOC, PARTIAL)), True, 2),
        # partly documented, and records show some of the practice: defined in use
        (((DOC, PARTIAL), (DOC, NOT_MET), (IMPL, MET), (IMPR, MET)), True, 3),
        (((DOC, MET), (DOC, PARTIAL), (IMPL, PARTIAL)), True, 3),
        (((DOC, NOT_MET), (IMPL, MET), (IMPL, MET)), True, 1),
        (((DOC, MET), (DOC, MET), (IMPL, PARTIAL), (IMPR, MET)), True, 3),
        (((DOC, MET), (IMPL, MET), (IMPL, NOT_MET)), True, 3),
        (((DOC, MET), (IMPL, MET), (IMPL, MET), (IMPR, NOT_MET)), True, 4),
        (((DOC, MET), (IMPL, MET), (IMPR, PARTIAL)), True, 4),
        (((DOC, MET), (IMPL, MET), (IMPR, MET)), True, 5),
        # no implementation facet: level 4 needs at least one, so 3 is the ceiling
        (((DOC, MET), (DOC, MET), (IMPR, MET)), True, 3),
        (((DOC, MET), (DOC, MET)), True, 3),
        # no improvement facet: level 5 needs at least one, so 4 is the ceiling
        (((DOC, MET), (IMPL, MET), (IMPL, MET)), True, 4),
    ],
)
def test_the_rule_table(pairs: tuple[tuple[FacetKind, FacetStatus], ...], has_evidence: bool,
                        expected: int) -> None:
    assert levels.maturity(findings(*pairs), has_evidence) == expected


@pytest.mark.parametrize(
    ("pairs", "has_evidence", "expected"),
    [
        (((DOC, MET),), False, 0),
        (((DOC, NOT_MET), (IMPL, MET)), True, 1),
        (((DOC, PARTIAL), (DOC, MET)), True, 2),
        (((DOC, MET), (DOC, MET), (IMPL, NOT_MET)), True, 3),
    ],
)
def test_documentation_level_reads_documentation_facets_only(
    pairs: tuple[tuple[FacetKind, FacetStatus], ...], has_evidence: bool, expected: int
) -> None:
    assert levels.documentation_level(findings(*pairs), has_evidence) == expected


@pytest.mark.parametrize(
    ("pairs", "has_records", "expected"),
    [
        (((DOC, MET), (IMPL, MET), (IMPR, MET)), False, 0),
        (((DOC, MET), (IMPL, NOT_MET)), True, 1),
        (((DOC, MET),), True, 1),  # records, but no implementation facet to show
        (((IMPL, PARTIAL), (IMPL, NOT_MET)), True, 2),
        (((IMPL, MET), (IMPL, PARTIAL)), True, 2),
        (((DOC, NOT_MET), (IMPL, MET), (IMPR, NOT_MET)), True, 4),
        (((IMPL, MET),), True, 4),  # no improvement facet: 5 is out of reach
        (((DOC, NOT_MET), (IMPL, MET), (IMPR, MET)), True, 5),
    ],
)
def test_implementation_level_reads_the_records(
    pairs: tuple[tuple[FacetKind, FacetStatus], ...], has_records: bool, expected: int
) -> None:
    assert levels.implementation_level(findings(*pairs), has_records) == expected


def test_no_finding_can_raise_the_level_by_getting_worse() -> None:
    kinds = (DOC, DOC, IMPL, IMPR)
    for statuses in itertools.product((NOT_MET, PARTIAL, MET), repeat=len(kinds)):
        base = findings(*zip(kinds, statuses, strict=True))
        for index, status in enumerate(statuses):
            for worse in (s for s in STATUS_ORDER if STATUS_ORDER[s] < STATUS_ORDER[status]):
                changed = base[index].model_copy(update={"status": worse})
                lowered = (*base[:index], changed, *base[index + 1 :])
                assert levels.maturity(lowered, True) <= levels.maturity(base, True)
                lower_practice = levels.implementation_level(lowered, True)
                assert lower_practice <= levels.implementation_level(base, True)


def test_csf_tiers_and_compliance_mapping() -> None:
    tiers, compliance, maturity = scale("csf-tiers"), scale("compliance"), scale("maturity-0-5")
    assert [levels.on_scale(m, tiers) for m in range(6)] == [1, 1, 2, 3, 4, 4]
    assert [levels.on_scale(m, compliance) for m in range(6)] == [0, 0, 1, 1, 2, 2]
    assert [levels.on_scale(m, maturity) for m in range(6)] == list(range(6))
    for target in (tiers, compliance, maturity):
        values = [levels.on_scale(m, target) for m in range(6)]
        assert set(values) <= {lv.value for lv in target.levels}
        assert values == sorted(values)  # the mapping keeps the order of maturities


def test_an_unknown_scale_is_clamped_to_its_own_levels() -> None:
    three = Scale.model_validate({"id": "three", "name": "Three", "levels": [
        {"value": v, "label": str(v), "descriptor": "d"} for v in (1, 2, 3)]})
    assert [levels.on_scale(m, three) for m in range(6)] == [1, 1, 2, 3, 3, 3]


def test_gaps_name_unmet_and_partial_facets_and_suggest_evidence_once() -> None:
    result = findings((DOC, MET), (IMPL, PARTIAL), (IMPR, NOT_MET))
    gaps = levels.gaps(result, ("restore test log", "backup job report"))
    assert gaps == [
        "Partly shown: implementation facet number 2 Suggested evidence: restore test log; "
        "backup job report.",
        "Not shown: improvement facet number 3",
    ]
    assert levels.gaps(result, ()) == ["Partly shown: implementation facet number 2",
                                      "Not shown: improvement facet number 3"]
    assert levels.gaps(findings((DOC, MET), (IMPL, MET)), ("anything",)) == []


def test_confidence_is_bounded_and_falls_near_the_cut_offs() -> None:
    met, partial = 0.62, 0.52
    assert levels.confidence((), met, partial, 1.0) == 0.0
    on_cut = (finding(DOC, MET, similarity=met), finding(IMPL, PARTIAL, 2, similarity=partial))
    assert levels.confidence(on_cut, met, partial, 1.0) == pytest.approx(0.3)
    assert levels.confidence(on_cut, met, partial, 0.0) == 0.0
    clear = (finding(DOC, MET, similarity=0.95), finding(IMPL, NOT_MET, 2))
    assert levels.confidence(clear, met, partial, 1.0) == 1.0
    assert levels.confidence(clear, met, partial, 0.5) == pytest.approx(0.85)
    for similarity in (0.0, 0.3, 0.5, 0.52, 0.57, 0.62, 0.7, 1.1):
        for agreement in (0.0, 0.5, 1.0):
            value = levels.confidence((finding(DOC, MET, similarity=similarity),), met,
                                      partial, agreement)
            assert 0.0 <= value <= 1.0


def test_any_level_needs_a_facet_met_or_two_different_sentences_near() -> None:
    partly = (finding(DOC, PARTIAL, 1, similarity=0.58), finding(IMPL, NOT_MET, 2))
    met = (finding(DOC, MET, 1, similarity=0.64), finding(IMPL, NOT_MET, 2))
    assert levels.relevant(partly, 0, 0.0, 2)  # a weak cut-off of 0: any evidence
    assert not levels.relevant(partly, 1, 0.46, 2)  # one sentence that partly shows a facet
    assert levels.relevant(partly, 2, 0.46, 2)
    assert levels.relevant(partly, 1, 0.46, 1)
    assert levels.relevant(met, 1, 0.46, 2)  # a facet met outright stands on its own
    assert levels.maturity(partly, has_evidence=levels.relevant(partly, 1, 0.46, 2)) == 0
    assert levels.maturity(partly, has_evidence=levels.relevant(partly, 2, 0.46, 2)) == 2


def test_relevance_only_falls_when_findings_or_near_sentences_fall() -> None:
    ranked = (NOT_MET, PARTIAL, MET)
    for (was, now), (before, after) in itertools.product(
            itertools.product(range(3), repeat=2), itertools.product(range(4), repeat=2)):
        if now > was or after > before:
            continue  # removing documents only lowers findings and removes near sentences
        fewer = (finding(DOC, ranked[now], 1),)
        more = (finding(DOC, ranked[was], 1),)
        for needed in (1, 2, 3):
            assert levels.relevant(more, before, 0.46, needed) or not levels.relevant(
                fewer, after, 0.46, needed)
