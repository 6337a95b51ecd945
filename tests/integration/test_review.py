"""Reviews, their carry-over to later assessments, and history, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from service.components.catalog import CatalogRegistry, build_registry
from service.db import Session, sessionmaker
from service.domain.review import ReviewAction, ReviewState
from service.errors import InvalidInputError, NotFoundError
from service.pipeline.audit import list_events, verify
from service.pipeline.history import compare_assessments
from service.pipeline.review import (
    ReviewDecision,
    effective_status,
    review_history,
    review_proposal,
)
from service.settings import Settings
from tests.assessments import store_assessment

pytestmark = pytest.mark.integration
pytest_plugins = ["tests.databases"]
ACCEPT, OVERRIDE, NA = ReviewAction.ACCEPT, ReviewAction.OVERRIDE, ReviewAction.NA


@pytest.fixture(scope="module")
def registry() -> CatalogRegistry:
    return build_registry(Settings())


def decide(sessions: sessionmaker[Session], registry: CatalogRegistry, assessment: str,
           ref: str, action: ReviewAction, level: int | None = None, comment: str = "",
           actor: str = "rita") -> None:
    with sessions() as session:
        review_proposal(session, registry, ReviewDecision(assessment, ref, action, level, comment),
                        actor=actor, workspace="qa")


def states(sessions: sessionmaker[Session], assessment: str, workspace: str = "qa"
           ) -> dict[str, tuple[str, int | None]]:
    with sessions() as session:
        return {r.ref_id: (r.state.value, r.level)
                for r in effective_status(session, assessment, workspace)}


def test_decisions_are_validated(
    sessions: sessionmaker[Session], registry: CatalogRegistry
) -> None:
    first = store_assessment(sessions, {"A.5.15": 2, "A.5.16": 3})
    cases = [
        (ReviewDecision("nope", "A.5.15", ACCEPT), NotFoundError, "no assessment 'nope'"),
        (ReviewDecision(first, "Z.9", ACCEPT), NotFoundError, "no requirement 'Z.9'"),
        (ReviewDecision(first, "A.8.1", ACCEPT), NotFoundError, "has no proposal for A.8.1"),
        (ReviewDecision(first, "A.5.15", OVERRIDE, 4), InvalidInputError, "needs a comment"),
        (ReviewDecision(first, "A.5.15", OVERRIDE, 4, "  "), InvalidInputError, "needs a comment"),
        (ReviewDecision(first, "A.5.15", OVERRIDE, 6, "x"), InvalidInputError, r"\(0, 1, 2, 3"),
        (ReviewDecision(first, "A.5.15", OVERRIDE, None, "x"), InvalidInputError, "needs a level"),
        (ReviewDecision(first, "A.5.15", NA), InvalidInputError, "justifies"),
        (ReviewDecision(first, "A.5.15", ACCEPT, 3), InvalidInputError, "takes no level"),
    ]
    with sessions() as session:
        for decision, error, message in cases:
            with pytest.raises(error, match=message):
                review_proposal(session, registry, decision, actor="rita", workspace="qa")
        with pytest.raises(NotFoundError, match="in workspace 'lab'"):
            review_proposal(session, registry, ReviewDecision(first, "A.5.15", ACCEPT),
                            actor="rita", workspace="lab")
        assert list_events(session) == []


def test_reviews_apply_and_are_audited(
    sessions: sessionmaker[Session], registry: CatalogRegistry
) -> None:
    first = store_assessment(sessions, {"A.5.15": 2, "A.5.16": 3, "A.8.1": 1})
    assert set(states(sessions, first).values()) == {("pending", 2), ("pending", 3),
                                                      ("pending", 1)}
    decide(sessions, registry, first, "a.5.15", ACCEPT)
    decide(sessions, registry, first, "Annex A 5.16", OVERRIDE, 4, "records show more")
    decide(sessions, registry, first, "A.8.1", NA, comment="no endpoints in scope")
    assert states(sessions, first) == {"A.5.15": ("accepted", 2), "A.5.16": ("overridden", 4),
                                       "A.8.1": ("na", None)}
    with sessions() as session:
        events = list_events(session)
        history = review_history(session, first, "qa")
        assert verify(session).ok
    assert [e.action for e in events] == ["review.accept", "review.override", "review.na"]
    override = events[1]
    assert (override.actor, override.reason) == ("rita", "records show more")
    assert override.target == f"workspace:qa/assessment:{first}/requirement:A.5.16"
    assert override.after == {"action": "override", "level": 4, "proposed_level": 3}
    assert [(r.action, r.level, r.proposed_level) for r in history] == [
        (ACCEPT, 2, 2), (OVERRIDE, 4, 3), (NA, None, 1)]


def test_a_second_review_supersedes_and_keeps_the_first(
    sessions: sessionmaker[Session], registry: CatalogRegistry
) -> None:
    first = store_assessment(sessions, {"A.5.15": 2})
    decide(sessions, registry, first, "A.5.15", ACCEPT)
    decide(sessions, registry, first, "A.5.15", OVERRIDE, 1, "second look", actor="root")
    assert states(sessions, first) == {"A.5.15": ("overridden", 1)}
    with sessions() as session:
        assert len(review_history(session, first, "qa")) == 2
        second_event = list_events(session)[1]
    assert second_event.before == {"action": "accept", "level": 2, "reviewer": "rita"}


def test_reviews_carry_over_and_changes_are_flagged(
    sessions: sessionmaker[Session], registry: CatalogRegistry
) -> None:
    first = store_assessment(sessions, {"A.5.15": 2, "A.5.16": 3, "A.8.1": 1}, age_days=7)
    decide(sessions, registry, first, "A.5.15", ACCEPT)
    decide(sessions, registry, first, "A.5.16", OVERRIDE, 4, "records show more")
    decide(sessions, registry, first, "A.8.1", NA, comment="no endpoints")
    same = store_assessment(sessions, {"A.5.15": 2, "A.5.16": 3, "A.8.1": 1})
    assert states(sessions, same) == {"A.5.15": ("accepted", 2), "A.5.16": ("overridden", 4),
                                      "A.8.1": ("na", None)}
    moved = store_assessment(sessions, {"A.5.15": 3, "A.5.16": 4, "A.8.1": 2})
    with sessions() as session:
        status = {r.ref_id: r for r in effective_status(session, moved, "qa")}
    assert status["A.5.15"].state == ReviewState.CHANGED
    assert (status["A.5.15"].level, status["A.5.15"].proposed_level) == (2, 3)
    assert status["A.5.15"].carried_over and status["A.5.15"].review is not None
    assert status["A.5.16"].state == ReviewState.OVERRIDDEN  # the AI now agrees with the override
    assert status["A.8.1"].state == ReviewState.CHANGED
    other_workspace = store_assessment(sessions, {"A.5.15": 2}, workspace="lab")
    assert states(sessions, other_workspace, "lab") == {"A.5.15": ("pending", 2)}
    assert states(sessions, first)["A.5.15"] == ("accepted", 2)


def test_a_review_of_a_later_run_does_not_rewrite_an_earlier_one(
    sessions: sessionmaker[Session], registry: CatalogRegistry
) -> None:
    first = store_assessment(sessions, {"A.5.15": 2}, age_days=7)
    second = store_assessment(sessions, {"A.5.15": 3})
    decide(sessions, registry, second, "A.5.15", ACCEPT)
    assert states(sessions, first) == {"A.5.15": ("pending", 2)}
    decide(sessions, registry, first, "A.5.15", OVERRIDE, 1, "old snapshot")
    assert states(sessions, second) == {"A.5.15": ("accepted", 3)}


def test_comparing_two_assessments(
    sessions: sessionmaker[Session], registry: CatalogRegistry
) -> None:
    first = store_assessment(sessions, {"A.5.15": 2, "A.5.16": 3, "A.8.1": 1}, age_days=7)
    decide(sessions, registry, first, "A.5.16", OVERRIDE, 4, "records show more")
    second = store_assessment(sessions, {"A.5.15": 3, "A.5.16": 3})
    with sessions() as session:
        comparison = compare_assessments(session, first, second, "qa")
    rows = {r.ref_id: (r.a_level, r.b_level, r.delta) for r in comparison.requirements}
    assert rows == {"A.5.15": (2, 3, 1), "A.5.16": (4, 4, 0), "A.8.1": (1, None, None)}
    themes = {t.theme: (t.a_mean, t.b_mean, t.delta) for t in comparison.themes}
    assert themes == {"Organizational controls": (3.0, 3.5, 0.5),
                      "Technological controls": (1.0, None, None)}
    assert (comparison.a.assessment_id, comparison.b.assessment_id) == (first, second)
    other = store_assessment(sessions, {"A.5.15": 1}, framework="iso9001-2015")
    with sessions() as session, pytest.raises(InvalidInputError, match="same framework"):
        compare_assessments(session, first, other, "qa")
    with sessions() as session, pytest.raises(NotFoundError):
        compare_assessments(session, first, second, "lab")
