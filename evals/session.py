"""What every suite of `assay eval` works with: the pipeline, the targets, the model, progress.

Proposals of the unchanged workspaces are computed once and shared by the scoring and
robustness suites.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from evals.progress import Progress
from evals.workspaces import Target
from service.components.catalog import CatalogRegistry
from service.components.llm import LLM
from service.domain.assessment import Proposal
from service.domain.catalog import Requirement
from service.pipeline.context import PipelineContext
from service.pipeline.scoring_setup import build_scorer


@dataclass(frozen=True)
class SuiteResult:
    """A suite's figures as JSON, and the same as Markdown for people."""

    data: dict[str, Any]
    markdown: str


@dataclass
class EvalSession:
    """The pipeline over the eval data dir, the labelled targets and the chosen model.

    ``dataset`` is the run's dataset filter (None: every dataset).
    """

    context: PipelineContext
    registry: CatalogRegistry
    targets: list[Target]
    llm: LLM | None
    progress: Progress
    dataset: str | None = None
    as_of: date | None = None
    """`--as-of`: overrides every dataset's own assessment date."""
    limit: int | None = None
    """Only the first N cases (of each workspace; of each kind of chat question)."""
    _proposals: dict[tuple[str, str], Proposal] = field(default_factory=dict)

    def requirement(self, target: Target, ref: str) -> Requirement:
        """The catalog requirement a case names."""
        return self.registry.requirement(target.framework, ref)

    def as_of_for(self, target: Target) -> date | None:
        """The day a target is assessed as of: `--as-of`, else its dataset's, else today."""
        return self.as_of or target.as_of

    def propose(self, target: Target, refs: list[str], workspace: str | None = None,
                as_of: date | None = None) -> dict[str, Proposal]:
        """A proposal per ref, in the target's workspace or another (e.g. a clone).

        Scored as of the target's day, or of ``as_of``. Proposals of the target's own
        workspace on its own day are kept for the rest of the run; each ref advances the
        progress bar.
        """
        own = workspace is None and as_of is None
        space = target.workspace if workspace is None else workspace
        todo = [r for r in refs if not own or (space, r) not in self._proposals]
        for _ in range(len(refs) - len(todo)):
            self.progress.advance(target.name)
        found: dict[str, Proposal] = {}
        if todo:
            framework = self.registry.get(target.framework).framework
            scorer, retriever = build_scorer(
                self.context, space, self.registry.scale(framework.default_scale), self.llm,
                as_of or self.as_of_for(target))
            requirements = [self.requirement(target, r) for r in todo]
            retriever.prepare(requirements)
            for ref, requirement in zip(todo, requirements, strict=True):
                found[ref] = scorer.propose(requirement)
                self.progress.advance(f"{target.name} {ref}")
        if own:
            self._proposals.update({(space, ref): p for ref, p in found.items()})
            return {r: self._proposals[(space, r)] for r in refs}
        return found
