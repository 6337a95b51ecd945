"""Calibrate the verifier's P(yes) cut-offs and the level-1 rule on the labelled sets.

```
python -m evals.calibrate_facet_check --data-dir DIR [--dataset comply] [--pairs FILE]
    [--ask N] [--llm local|fake]
```

1. **collect**: for every labelled case of the kept eval data dir (``assay eval --data-dir``
   ingests it) and for the distractor workspace, the candidate sentences of each facet with
   their match scores, found exactly as `match` finds them (down to a weak cut-off, for the
   level-1 rule).
2. **ask**: the model's P(yes) that the sentence shows the facet (``Verifier.probability``,
   the shipped prompt), only for the pairs that some setting of the grid needs, cached in
   ``--pairs`` (JSON) so that a re-run asks nothing twice. ``--ask N`` stops after N calls.
3. **fit**: for every setting (met P cut-off, partial P cut-off, weak cut-off of level 1),
   the levels by the shipped rule (``levels.maturity``); the setting is chosen on 4/5 of the
   requirements and measured on the fifth (folds grouped by requirement ref, so a ref's
   graded profiles stay in one fold): held-out within one, exact, separation, distractor
   violations and model calls per requirement. Never in-sample thresholds.
"""

from __future__ import annotations

import argparse
import json
import zlib
from collections.abc import Iterator
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from evals.harness import FIXTURES
from evals.metrics import Agreement, separation
from evals.runner import DEFAULT_MODELS_DIR, link_models
from evals.suites.robustness import DISTRACTOR_WORKSPACE
from evals.workspaces import Target, all_targets, ingest_folder
from service.components.catalog import build_registry
from service.components.llm import build_llm
from service.components.prompts import load_prompt
from service.composition import build_context
from service.domain.assessment import FacetFinding, FacetStatus
from service.domain.catalog import FacetKind
from service.pipeline.context import PipelineContext
from service.pipeline.retrieve import Retriever
from service.pipeline.score import levels
from service.pipeline.score.freshness import Freshness
from service.pipeline.score.matching import claim, match_candidates, near_sentences
from service.pipeline.score.verify import HEDGE, Verifier
from service.pipeline.scoring_setup import genericity, retrieval_params, thresholds
from service.settings import ScoringSettings, Settings

WEAK = 0.40
"""The lowest match score collected: candidates under a kind's partial cut-off only count
for the level-1 rule."""
FOLDS = 5
CORROBORATION = ScoringSettings().corroboration
"""Different sentences the level-1 rule needs near a facet (the shipped default)."""


@dataclass(frozen=True)
class Candidate:
    """A sentence matched to a facet, with its score and whether the hedge check refuses it."""

    sentence: str
    score: float
    hedged: bool


@dataclass(frozen=True)
class FacetData:
    """A facet's kind, text, match cut-offs and candidates, best first."""

    kind: str
    text: str
    met: float
    partial: float
    candidates: tuple[Candidate, ...]


@dataclass(frozen=True)
class CaseData:
    """A labelled case (or a distractor-workspace case, expected 0) and its facets."""

    target: str
    ref: str
    expected: int
    coverage: str | None
    has_evidence: bool
    facets: tuple[FacetData, ...]


@dataclass(frozen=True)
class Setting:
    """Model cut-offs (partial 0: partial-zone candidates are not asked) and level-1 rule."""

    p_met: float
    p_partial: float
    weak: float | None
    """Level 1 needs a facet met or CORROBORATION different candidates scoring at least this
    (None: any evidence is enough)."""


def collect(context: PipelineContext, settings: Settings, targets: list[Target]) -> list[CaseData]:
    """Every case's facets and candidates, as `match` sees them."""
    registry = build_registry(settings)
    cut = thresholds(settings.scoring)
    wide = replace(cut, partial=min(cut.partial, WEAK), record_partial=min(cut.record_partial,
                                                                           WEAK))
    frameworks: dict[str, set[str]] = {}
    jobs: list[tuple[Target, str, str, int, str | None]] = []
    for target in targets:
        frameworks.setdefault(target.framework, set()).update(c.ref for c in target.cases)
        jobs += [(target, target.workspace, c.ref, c.expected, c.coverage) for c in target.cases]
    for framework, refs in frameworks.items():
        distractor = Target("distractors", framework, Path("."), DISTRACTOR_WORKSPACE, ())
        jobs += [(distractor, DISTRACTOR_WORKSPACE, r, 0, None) for r in sorted(refs)]
    cases = []
    penalise = genericity(context)
    retrievers: dict[str, Retriever] = {}
    for target, workspace, ref, expected, coverage in jobs:
        requirement = registry.requirement(target.framework, ref)
        retriever = retrievers.setdefault(
            workspace, Retriever(context, workspace, retrieval_params(settings.scoring)))
        evidence = retriever.evidence(requirement, by_sentence=settings.scoring.score_on_sentences)
        as_of = target.as_of or datetime.now(UTC).date()
        evidence, _ = Freshness(as_of, settings.scoring.review_months).mark(requirement, evidence)
        sentences, vectors = context.store.sentences(workspace,
                                                     [e.chunk.chunk_id for e in evidence])
        facet_vectors = retriever.vectors([claim(f.text) for f in requirement.facets])
        found = match_candidates(requirement.facets, facet_vectors, sentences, vectors,
                                 evidence, wide, penalise.penalties(vectors))
        facets = tuple(
            FacetData(f.kind.value, f.text, *cut.cut_offs(f.kind),
                      tuple(Candidate(c.sentence.text, round(c.score, 4),
                                      bool(HEDGE.search(c.sentence.text)))
                            for c in found[f.id]))
            for f in requirement.facets)
        cases.append(CaseData(target.name, ref, expected, coverage, bool(evidence), facets))
    return cases


def load_cases(path: Path) -> list[CaseData]:
    """Cases collected by an earlier run."""
    return [
        CaseData(c["target"], c["ref"], c["expected"], c["coverage"], c["has_evidence"],
                 tuple(FacetData(f["kind"], f["text"], f["met"], f["partial"],
                                 tuple(Candidate(**x) for x in f["candidates"]))
                       for f in c["facets"]))
        for c in json.loads(path.read_text(encoding="utf-8"))
    ]


class MissingAnswerError(Exception):
    """A P(yes) the setting needs that is not known yet."""

    def __init__(self, pair: tuple[str, str]) -> None:
        super().__init__(pair)
        self.pair = pair


def facet_status(facet: FacetData, setting: Setting, known: dict[tuple[str, str], float],
                 asked: set[tuple[str, str]]) -> FacetStatus:
    """The finding `MatchStrategy` makes, with the verifier's answers from ``known``."""
    status = FacetStatus.NOT_MET
    for c in facet.candidates:
        if c.score < facet.partial:
            break
        matched = "met" if c.score >= facet.met else "partial"
        if status == FacetStatus.PARTIAL and matched == "partial":
            break
        if c.hedged:
            continue
        if setting.p_met <= 0:
            return FacetStatus.MET if matched == "met" else FacetStatus.PARTIAL
        if matched == "partial" and setting.p_partial <= 0:
            return FacetStatus.PARTIAL
        pair = (facet.text, c.sentence)
        if pair not in known:
            raise MissingAnswerError(pair)
        asked.add(pair)
        p_yes = known[pair]
        if matched == "met" and p_yes >= setting.p_met:
            return FacetStatus.MET
        if p_yes >= setting.p_partial:
            status = FacetStatus.PARTIAL
    return status


def level(case: CaseData, setting: Setting, known: dict[tuple[str, str], float],
          asked: set[tuple[str, str]]) -> int:
    """The case's maturity by the shipped rule, and the level-1 rule of the setting."""
    if not case.has_evidence:
        return 0
    findings = tuple(
        FacetFinding(id=f"f{i}", text=f.text, kind=FacetKind(f.kind),
                     status=facet_status(f, setting, known, asked))
        for i, f in enumerate(case.facets))
    if setting.weak is None:
        return levels.maturity(findings, has_evidence=True)
    near = near_sentences(((c.sentence, c.score) for f in case.facets for c in f.candidates),
                          setting.weak)
    relevant = levels.relevant(findings, near, setting.weak, CORROBORATION)
    return levels.maturity(findings, has_evidence=relevant)


def grid() -> Iterator[Setting]:
    """The settings tried: the fake model's (every match upheld) first."""
    for weak in (None, 0.46, 0.50, 0.52):
        yield Setting(0.0, 0.0, weak)
        for p_met in (0.15, 0.20, 0.25, 0.30, 0.35, 0.40):
            for p_partial in (0.0, 0.10, 0.15, 0.20, 0.25):
                if p_partial <= p_met:
                    yield Setting(p_met, p_partial, weak)


def fold(ref: str) -> int:
    """A requirement's fold, stable across runs."""
    return zlib.crc32(ref.encode()) % FOLDS


def figures(cases: list[CaseData], setting: Setting,
            known: dict[tuple[str, str], float]) -> dict[str, Any]:
    """Agreement, separation, distractor violations and calls per case of one setting."""
    labelled = [c for c in cases if c.target != "distractors"]
    asked: set[tuple[str, str]] = set()
    got = {id(c): level(c, setting, known, asked if c.target != "distractors" else set())
           for c in cases}
    agreement = Agreement.of([c.expected for c in labelled], [got[id(c)] for c in labelled])
    addressed = [got[id(c)] for c in labelled if c.coverage == "addressed"]
    not_addressed = [got[id(c)] for c in labelled if c.coverage == "not_addressed"]
    return {"within_one": agreement.within_one, "exact": agreement.exact, "mae": agreement.mae,
            "separation": separation(addressed, not_addressed),
            "distractors": sum(got[id(c)] > 0 for c in cases if c.target == "distractors"),
            "calls_per_case": len(asked) / max(len(labelled), 1), "cases": len(labelled)}


def objective(result: dict[str, Any]) -> float:
    """Within one first, each distractor violation costs one case, exact breaks ties."""
    cases = max(int(result["cases"]), 1)
    violations = int(result["distractors"])
    return float(result["within_one"] or 0) - violations / cases + 0.01 * float(
        result["exact"] or 0)


DRIVER = Setting(0.40, 0.25, None)
"""The most demanding setting of the grid: the pairs it needs cover every other setting's
(lower cut-offs stop each facet's search no later)."""


def needed(cases: list[CaseData],
           known: dict[tuple[str, str], float]) -> Iterator[tuple[str, str]]:
    """The pairs the grid needs, case by case in dataset order.

    Each ref's distractor case comes beside it, so an interrupted run leaves a complete
    prefix of cases.
    """
    by_ref: dict[str, list[CaseData]] = {}
    for case in cases:
        by_ref.setdefault(case.ref, []).append(case)
    for group in by_ref.values():
        for case in group:
            while True:
                try:
                    level(case, DRIVER, known, set())
                    break
                except MissingAnswerError as missing:
                    yield missing.pair


def computable(cases: list[CaseData], setting: Setting,
               known: dict[tuple[str, str], float]) -> bool:
    """Whether every P(yes) the setting needs is known."""
    try:
        figures(cases, setting, known)
    except MissingAnswerError:
        return False
    return True


def cross_validate(cases: list[CaseData], settings: list[Setting],
                   known: dict[tuple[str, str], float]) -> dict[str, Any]:
    """Choose among ``settings`` on four folds, measure on the fifth; the choices too."""
    held: list[CaseData] = []
    predicted: dict[int, int] = {}
    chosen = []
    for k in range(FOLDS):
        train = [c for c in cases if fold(c.ref) != k]
        best = max(settings, key=lambda s: objective(figures(train, s, known)))
        chosen.append(best)
        test = [c for c in cases if fold(c.ref) == k]
        for c in test:
            predicted[id(c)] = level(c, best, known, set())
        held += test
    labelled = [c for c in held if c.target != "distractors"]
    agreement = Agreement.of([c.expected for c in labelled], [predicted[id(c)] for c in labelled])
    return {
        "within_one": agreement.within_one, "exact": agreement.exact, "mae": agreement.mae,
        "separation": separation(
            [predicted[id(c)] for c in labelled if c.coverage == "addressed"],
            [predicted[id(c)] for c in labelled if c.coverage == "not_addressed"]),
        "distractors": sum(predicted[id(c)] > 0 for c in held if c.target == "distractors"),
        "chosen": [s.__dict__ for s in chosen],
    }


def main() -> None:
    """Collect, ask what the grid needs (cached), then report every setting and the CV."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--dataset", default="comply")
    parser.add_argument("--pairs", type=Path, default=Path("facet_check_pairs.json"))
    parser.add_argument("--cases", type=Path, default=Path("facet_check_cases.json"),
                        help="the collected candidates, kept (delete it to collect again)")
    parser.add_argument("--ask", type=int, default=0, help="at most this many model calls")
    parser.add_argument("--llm", default="local")
    parser.add_argument("--out", type=Path, default=None)
    arguments = parser.parse_args()
    link_models(arguments.data_dir, DEFAULT_MODELS_DIR)
    settings = Settings(data_dir=arguments.data_dir, llm={"mode": arguments.llm})
    context = build_context(settings)
    if arguments.cases.exists():
        cases = load_cases(arguments.cases)
    else:
        ingest_folder(context, DISTRACTOR_WORKSPACE, FIXTURES / "distractors")
        cases = collect(context, settings, all_targets(arguments.dataset))
        arguments.cases.write_text(json.dumps([asdict(c) for c in cases]), encoding="utf-8")
    known: dict[tuple[str, str], float] = {}
    if arguments.pairs.exists():
        known = {(p["facet"], p["sentence"]): p["p_yes"]
                 for p in json.loads(arguments.pairs.read_text(encoding="utf-8"))}
    if arguments.ask:
        verifier = Verifier(build_llm(settings.llm, arguments.data_dir),
                            load_prompt("verify-facet"))
        for count, pair in enumerate(needed(cases, known)):
            if count >= arguments.ask:
                break
            known[pair] = verifier.probability(*pair)
            arguments.pairs.write_text(json.dumps(
                [{"facet": f, "sentence": s, "p_yes": p} for (f, s), p in known.items()],
                indent=0), encoding="utf-8")
    cases = [c for c in cases if all(computable([c], s, known) for s in grid())]
    available = list(grid())
    report: dict[str, Any] = {
        "pairs_known": len(known), "cases_computable": len(cases),
        "settings": [s.__dict__ | figures(cases, s, known) for s in available],
        "cross_validation": cross_validate(cases, available, known),
    }
    text = json.dumps(report, indent=1)
    if arguments.out:
        arguments.out.write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
