"""Any level above 0 needs two different sentences near the requirement: the real model.

A magazine article that lists security topics ("passwords and multi-factor authentication,
the review of user accounts, ...") comes near an authentication requirement's facets in one
sentence, and that sentence even matches a facet at partial. It shows no organisation's
practice. One sentence is not enough for level 1 (``levels.relevant``); an organisation's
own standard that says two things about its logins is.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from evals.harness import FIXTURES
from service.components.catalog import build_registry
from service.pipeline.context import PipelineContext
from service.pipeline.ingest import Ingestor
from service.pipeline.scoring_setup import build_scorer
from tests.conftest import ContextFactory

pytestmark = pytest.mark.integration

ARTICLE = FIXTURES / "distractors" / "industry-article.md"
STANDARD = """# Authentication standard

Every account on company systems signs in through single sign-on with multi-factor
authentication; shared logins are not allowed.

Passwords must be at least 14 characters long and are checked against lists of breached
passwords before they are accepted.
"""
TOPICS = ("A.8.5", "A.5.17", "A.5.20")


def proposals(context: PipelineContext, workspace: str,
              refs: tuple[str, ...]) -> dict[str, tuple[int, tuple[str, ...]]]:
    registry = build_registry(context.settings)
    scorer, _ = build_scorer(context, workspace, registry.scale("maturity-0-5"), None)
    found = {}
    for ref in refs:
        proposal = scorer.propose(registry.requirement("iso27001-2022", ref))
        found[ref] = (proposal.maturity, proposal.gaps)
    return found


def test_a_list_of_topics_in_one_sentence_gives_no_level(
    make_context: ContextFactory, tmp_path: Path
) -> None:
    context = make_context()
    assert Ingestor(context, "article").ingest(ARTICLE, ARTICLE.name).status == "indexed"
    for ref, (maturity, gaps) in proposals(context, "article", TOPICS).items():
        assert maturity == 0, ref
        assert gaps[0].startswith("Level 0: passages passed the relevance floor, but "), gaps

    # the same evidence with one sentence enough (the rule before): the article's topic list
    # raises the authentication requirement, so the count is what keeps it at 0
    one = context.settings.model_copy(update={"scoring": context.settings.scoring.model_copy(
        update={"corroboration": 1})})
    loose = proposals(dataclasses.replace(context, settings=one), "article", TOPICS)
    assert loose["A.8.5"][0] >= 1

    standard = tmp_path / "authentication-standard.md"
    standard.write_text(STANDARD, encoding="utf-8")
    assert Ingestor(context, "own").ingest(standard, standard.name).status == "indexed"
    assert proposals(context, "own", ("A.8.5",))["A.8.5"][0] >= 1
