"""Export benchmark: each format of a reviewed ISO 27001 assessment of every requirement.

Run: `.venv/bin/python bench/export.py`. Stores a completed assessment (one proposal per
assessable requirement, each with two citations and two gaps; no model is run), reviews
every tenth requirement, then times building the export document and rendering each
format. Prints a Markdown table: seconds and bytes per format.
"""

from __future__ import annotations

import argparse
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

from service.components.catalog import build_registry
from service.composition import build_context
from service.db import AssessmentRow, ProposalRow
from service.db.workspaces import get_or_create_workspace
from service.domain.assessment import Citation, Proposal, ProposalStatus, Provenance
from service.domain.export import ExportFormat
from service.domain.review import ReviewAction
from service.pipeline.export import render
from service.pipeline.export.document import build_export_document
from service.pipeline.review import ReviewDecision, review_proposal
from service.settings import Settings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--framework", default="iso27001-2022")
    framework = parser.parse_args().framework
    settings = Settings(data_dir=Path(tempfile.mkdtemp(prefix="assay-bench-export-")),
                        embedding={"mode": "fake"})
    context = build_context(settings)
    registry = build_registry(settings)
    requirements = registry.assessable(framework)
    now = datetime.now(UTC)
    with context.sessions() as session:
        space = get_or_create_workspace(session, "bench")
        row = AssessmentRow(id=str(uuid.uuid4()), workspace_id=space.id, framework_id=framework,
                            scale_id="maturity-0-5", strategy="match", status="completed",
                            requested=[], parameters={}, created_at=now)
        session.add(row)
        for index, requirement in enumerate(requirements):
            level = index % 6
            proposal = Proposal(
                ref_id=requirement.ref_id, title=requirement.title, theme=requirement.theme,
                maturity=level, level=level, documentation_level=min(level, 3),
                implementation_level=max(level - 2, 0), confidence=0.6,
                rationale="The policy sets the rule; records show it in part. " * 3,
                facets=(),
                citations=tuple(Citation(chunk_id=f"c{index}-{n}", document="policy.pdf",
                                         page=n, heading="Access > Reviews",
                                         quote="Access rights are reviewed every quarter.")
                                for n in (1, 2)),
                gaps=("Not shown: review records", "Partly shown: metrics"),
                status=ProposalStatus.PROPOSED,
                provenance=Provenance(strategy="match", model_id="bench", prompts={},
                                      thresholds={}, retrieval={}, created_at=now),
            )
            session.add(ProposalRow(assessment_id=row.id, ref_id=requirement.ref_id,
                                    theme=requirement.theme, maturity=level, level=level,
                                    confidence=0.6, status="proposed",
                                    payload=proposal.model_dump(mode="json")))
        session.commit()
        assessment_id = row.id
        for requirement in requirements[::10]:
            review_proposal(session, registry, ReviewDecision(
                assessment_id, requirement.ref_id, ReviewAction.OVERRIDE, 3, "bench"),
                actor="bench", workspace="bench")

    start = time.perf_counter()
    document = build_export_document(context, registry, assessment_id, "bench")
    print(f"{len(requirements)} requirements of {framework}; document built in "
          f"{time.perf_counter() - start:.2f} s\n")
    print("| format | seconds | bytes |\n|---|---:|---:|")
    for fmt in ExportFormat:
        for as_csv in (False, True) if fmt == ExportFormat.SOA else (False,):
            start = time.perf_counter()
            data = render(document, fmt, soa_as_csv=as_csv)
            label = f"{fmt.value} (csv)" if as_csv else fmt.value
            print(f"| {label} | {time.perf_counter() - start:.2f} | {len(data)} |")


if __name__ == "__main__":
    main()
