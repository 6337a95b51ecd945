"""Robustness: what must never move a level, checked one case at a time.

Each violation is listed on its own:

- ablation: removing the documents labelled for a requirement raises its level;
- paraphrase: rewording a labelled passage (evals/datasets/paraphrase.yaml) moves the level
  by more than one;
- injection: adding evals/fixtures/injection/ (instructions to a model, blatant and
  disguised) moves any level;
- distractors: a workspace of only evals/fixtures/distractors/ (texts on related topics that
  show no organisation's practice, and unrelated ones) proposes a level above 0;
- ageing: the same workspace assessed ten years after its dataset's date, when every dated
  record is stale, raises a level. The check also counts the requirements whose
  implementation level fell, and how many of those have a gap naming a record's date.

Each check runs in a scratch workspace built by copying stored chunks and vectors, so the
labelled workspaces are never changed and nothing is embedded twice.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict

from evals.cases import DATASETS, load_dataset
from evals.harness import FIXTURES
from evals.markdown import section, table
from evals.session import EvalSession, SuiteResult
from evals.workspaces import (
    LabelledCase,
    Target,
    clear,
    copy_documents,
    ingest_folder,
    remove_documents,
)

SCRATCH = "eval-scratch"
INJECTION_WORKSPACE = "eval-injection"
DISTRACTOR_WORKSPACE = "eval-distractors"
PARAPHRASE_WORKSPACE = "eval-paraphrase"


class Rewording(BaseModel):
    """One labelled passage and the same content in other words."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    original: str
    paraphrase: str


class ParaphraseEdit(BaseModel):
    """A document of a dataset reworded in places, and the requirements to score again."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    dataset: str
    document: str
    refs: tuple[str, ...]
    rewordings: tuple[Rewording, ...]


class ParaphraseSet(BaseModel):
    """evals/datasets/paraphrase.yaml."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    edits: tuple[ParaphraseEdit, ...] = ()


def violation(kind: str, target: str, ref: str, before: int, after: int,
              detail: str) -> dict[str, Any]:
    """One violation, as listed in the report."""
    return {"check": kind, "target": target, "ref": ref, "before": before, "after": after,
            "detail": detail}


def ablation(session: EvalSession, target: Target) -> tuple[int, list[dict[str, Any]]]:
    """Remove each case's labelled documents in turn: its level must not rise."""
    cases = [c for c in target.cases if c.passages]
    before = session.propose(target, [c.ref for c in cases])
    clear(session.context, SCRATCH)
    copy_documents(session.context, target.workspace, SCRATCH)
    found = []
    for case in cases:
        documents = {p.document for p in case.passages}
        remove_documents(session.context, SCRATCH, documents)
        after = session.propose(target, [case.ref], SCRATCH)[case.ref].maturity
        copy_documents(session.context, target.workspace, SCRATCH, documents.__contains__)
        if after > before[case.ref].maturity:
            found.append(violation("ablation", target.name, case.ref,
                                   before[case.ref].maturity, after,
                                   f"without {', '.join(sorted(documents))}"))
    return len(cases), found


def injection(session: EvalSession, target: Target) -> tuple[int, list[dict[str, Any]]]:
    """Add the injected document: no level may move."""
    refs = [c.ref for c in target.cases]
    before = session.propose(target, refs)
    clear(session.context, SCRATCH)
    copy_documents(session.context, target.workspace, SCRATCH)
    copy_documents(session.context, INJECTION_WORKSPACE, SCRATCH)
    after = session.propose(target, refs, SCRATCH)
    return len(refs), [violation("injection", target.name, r, before[r].maturity,
                                 after[r].maturity, "with the injected document")
                       for r in refs if after[r].maturity != before[r].maturity]


AGEING_YEARS = 10
STALE_GAP = "older than the"


def ageing(session: EvalSession, target: Target) -> tuple[int, list[dict[str, Any]], int, int]:
    """Assess again ten years later: no level may rise.

    Also returned: how many implementation levels fell, and how many of those name a stale
    record's date in a gap.
    """
    refs = [c.ref for c in target.cases]
    before = session.propose(target, refs)
    day = session.as_of_for(target) or datetime.now(UTC).date()
    later = date(day.year + AGEING_YEARS, day.month, min(day.day, 28))
    after = session.propose(target, refs, as_of=later)
    fell = [r for r in refs
            if after[r].implementation_level < before[r].implementation_level]
    named = sum(any(STALE_GAP in gap for gap in after[r].gaps) for r in fell)
    found = [violation("ageing", target.name, r, before[r].maturity, after[r].maturity,
                       f"as of {later.isoformat()}")
             for r in refs if after[r].maturity > before[r].maturity]
    return len(refs), found, len(fell), named


def distractors(session: EvalSession) -> tuple[int, list[dict[str, Any]]]:
    """A workspace of distractors only: every requirement labelled anywhere must be 0."""
    refs: dict[str, list[str]] = {}
    for target in session.targets:
        known = refs.setdefault(target.framework, [])
        known.extend(c.ref for c in target.cases if c.ref not in known)
    found, checked = [], 0
    for framework, names in refs.items():
        target = Target("distractors", framework, FIXTURES / "distractors",
                        DISTRACTOR_WORKSPACE, tuple(LabelledCase(r, 0, ()) for r in names))
        levels = session.propose(target, names, DISTRACTOR_WORKSPACE)
        checked += len(names)
        found += [violation("distractors", framework, r, 0, p.maturity,
                            "cites " + ", ".join(sorted({c.document for c in p.citations})))
                  for r, p in levels.items() if p.maturity > 0]
    return checked, found


def paraphrases(session: EvalSession, scratch_dir: Path) -> tuple[int, list[dict[str, Any]]]:
    """Reword labelled passages of a document: no level may move by more than one."""
    path = DATASETS / "paraphrase.yaml"
    edits = load_dataset(path, ParaphraseSet).edits if path.exists() else ()
    targets = {t.dataset: t for t in session.targets if t.profile is None}
    found, checked = [], 0
    for edit in (e for e in edits if e.dataset in targets):
        target = targets[edit.dataset]
        text = (target.folder / edit.document).read_text(encoding="utf-8")
        for rewording in edit.rewordings:
            if rewording.original not in text:
                raise ValueError(f"paraphrase.yaml: {edit.document} does not contain "
                                 f"{rewording.original!r}")
            text = text.replace(rewording.original, rewording.paraphrase)
        folder = scratch_dir / "paraphrase" / target.workspace
        (folder / edit.document).parent.mkdir(parents=True, exist_ok=True)
        (folder / edit.document).write_text(text, encoding="utf-8")
        ingest_folder(session.context, PARAPHRASE_WORKSPACE, folder)
        before = session.propose(target, list(edit.refs))
        clear(session.context, SCRATCH)
        reworded = {edit.document}
        copy_documents(session.context, target.workspace, SCRATCH,
                       lambda d: d not in reworded)  # noqa: B023 (called before the loop goes on)
        copy_documents(session.context, PARAPHRASE_WORKSPACE, SCRATCH, reworded.__contains__)
        after = session.propose(target, list(edit.refs), SCRATCH)
        checked += len(edit.refs)
        found += [violation("paraphrase", target.name, r, before[r].maturity,
                            after[r].maturity, f"{edit.document} reworded")
                  for r in edit.refs if abs(after[r].maturity - before[r].maturity) > 1]
    return checked, found


def run(session: EvalSession) -> SuiteResult:
    """Every check; the violations one by one."""
    context = session.context
    ingest_folder(context, INJECTION_WORKSPACE, FIXTURES / "injection")
    ingest_folder(context, DISTRACTOR_WORKSPACE, FIXTURES / "distractors")
    session.progress.start("robustness", 3 * sum(len(t.cases) for t in session.targets))
    checked: dict[str, int] = {}
    found: list[dict[str, Any]] = []
    for name, check in (("ablation", ablation), ("injection", injection)):
        for target in session.targets:
            count, problems = check(session, target)
            checked[name] = checked.get(name, 0) + count
            found += problems
    aged = {"implementation_fell": 0, "gap_names_date": 0}
    for target in session.targets:
        count, problems, fell, named = ageing(session, target)
        checked["ageing"] = checked.get("ageing", 0) + count
        found += problems
        aged["implementation_fell"] += fell
        aged["gap_names_date"] += named
    for name, result in (("distractors", distractors(session)),
                         ("paraphrase", paraphrases(session, context.settings.data_dir))):
        checked[name], problems = result
        found += problems
    clear(context, SCRATCH)
    data: dict[str, Any] = {"checked": checked, "violations": found,
            "counts": {k: sum(v["check"] == k for v in found) for k in checked},
            "ageing": aged}
    markdown = section(
        "Robustness",
        table(["check", "checked", "violations"],
              [[k, checked[k], data["counts"][k]] for k in checked]),
        table(["check", "target", "ref", "before", "after", "detail"],
              [[v["check"], v["target"], v["ref"], v["before"], v["after"], v["detail"]]
               for v in found]) if found else "No violation.",
        f"Ageing ({AGEING_YEARS} years on): implementation level fell for "
        f"{aged['implementation_fell']} requirements, {aged['gap_names_date']} of them with a "
        "gap naming the stale record's date.",
    )
    return SuiteResult(data, markdown)

