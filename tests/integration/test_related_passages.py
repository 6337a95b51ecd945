"""Passages under the relevance floor are shown as related, never as evidence.

An organisation whose practice is informal writes notes that come near a requirement without
reaching the floor, which is tuned for what counts towards a level. ``retrieve`` shows them
after the evidence (when fewer than k chunks reach the floor), marked ``below_floor``; the
evidence set, and so the level, does not read them. The real model and store.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from service.components.catalog import build_registry
from service.pipeline.ingest import Ingestor
from service.pipeline.retrieve import Retriever
from service.pipeline.scoring_setup import build_scorer, retrieval_params
from tests.conftest import ContextFactory

pytestmark = pytest.mark.integration

NOTES = """# Office notes

Dave copies our files onto a USB disk now and then, so we have a copy if the server dies.

# Canteen

The canteen opens at 07:30 and serves breakfast until ten.
"""


def test_a_note_under_the_floor_is_shown_as_related_and_not_scored(
    make_context: ContextFactory, tmp_path: Path
) -> None:
    context = make_context()
    path = tmp_path / "notes.md"
    path.write_text(NOTES, encoding="utf-8")
    assert Ingestor(context, "qa").ingest(path, "notes.md").status == "indexed"
    registry = build_registry(context.settings)
    backup = registry.requirement("iso27001-2022", "A.8.13")
    retriever = Retriever(context, "qa", retrieval_params(context.settings.scoring))

    shown = retriever.retrieve(backup)
    assert [e.chunk.heading for e in shown] == ["Office notes"]
    assert shown[0].below_floor
    assert retriever.params.related_floor <= shown[0].score < retriever.params.floor
    assert retriever.retrieve(backup, related=False) == []
    assert retriever.evidence(backup, by_sentence=True) == []

    scorer, _ = build_scorer(context, "qa", registry.scale("maturity-0-5"), None)
    assert scorer.propose(backup).level == 0
