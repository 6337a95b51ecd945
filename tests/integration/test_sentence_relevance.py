"""A long section whose one sentence answers a requirement is shown for it.

The section's own vector is diluted by its other sentences; what is shown also reads the
sentence vectors stored at ingest, so the section passes the floor on that sentence.
The chunk-level set (``evidence`` without ``by_sentence``) does not hold it.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from service.components.catalog import build_registry
from service.pipeline.ingest import Ingestor
from service.pipeline.retrieve import Retriever, requirement_queries
from service.pipeline.scoring_setup import retrieval_params
from tests.conftest import ContextFactory

pytestmark = pytest.mark.integration

SECTION = """# Office rules

Visitors sign the guest book at reception and wear a badge at all times.
The kitchen is cleaned every Friday afternoon by the facilities team.
Desks are cleared of papers at the end of each working day.
All servers synchronise their clocks with the approved internal NTP time source.
Parking spaces are allocated by seniority and reviewed each spring.
Printers are serviced by the vendor twice a year under the maintenance contract.
"""


def test_a_sentence_shows_its_diluted_section_but_scoring_keeps_the_chunk_level_set(
    make_context: ContextFactory, tmp_path: Path
) -> None:
    context = make_context()
    path = tmp_path / "office.md"
    path.write_text(SECTION, encoding="utf-8")
    assert Ingestor(context, "qa").ingest(path, "office.md").status == "indexed"
    requirement = build_registry(context.settings).requirement("iso27001-2022", "A.8.17")
    retriever = Retriever(context, "qa", retrieval_params(context.settings.scoring))
    queries = np.asarray(retriever.vectors(requirement_queries(requirement)))
    chunk = context.store.chunks("qa")[0]
    whole = float((queries @ np.asarray(context.store.chunk_vectors("qa", [chunk.chunk_id])
                                        [chunk.chunk_id])).max())
    shown = retriever.retrieve(requirement)
    assert [e.chunk.chunk_id for e in shown] == [chunk.chunk_id]
    assert shown[0].score >= retriever.params.floor > whole
    assert retriever.evidence(requirement) == []
