"""Projection: carried levels against labels; no labelled cases yet (the projection issue)."""

from __future__ import annotations

from evals.markdown import section
from evals.session import EvalSession, SuiteResult


def run(session: EvalSession) -> SuiteResult:
    """Nothing to measure until projection cases are labelled."""
    return SuiteResult({"cases": 0, "note": "no cases yet"},
                       section("Projection", "No cases yet."))
