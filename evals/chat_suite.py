"""The chat suite: evals/datasets/chat*.yaml asked of the chat, scored from its done events.

Run: ``python -m evals.chat_suite [--llm local|fake] [--kind K] [--limit N] [--out FILE]``,
or ``assay eval --suite chat`` (evals/suites/chat.py runs the same questions and scoring
inside the eval harness). The samples the evidence questions expect are ingested into a
workspace of their own (here in a temporary data dir; the model is reused from
./data/models when it is there), then each question is asked once:

- right citation: a requirement question cites the requirement (framework and ref); a
  comparison holds the key-differences table, its facts, and cites every profile field of
  both frameworks; an evidence question quotes a passage of each expected document, and
  every citation names its source (``label``).
- unsupported sentences shown: sentences of a verdict that the claim check would reject, and
  sentences on a passage that its quote contradicts (one reports a failure or gap, the
  other not), re-checked in the answer as shown (the goal is 0); dropped ones are counted
  apart; so are repeats (a passage quoted twice, or a sentence said twice; goal 0).
- answer time: seconds from the question to the done event, and to the first text.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from evals.cases import ChatCase, chat_sets
from evals.progress import Progress, Silent
from service.components.catalog import CatalogRegistry, build_registry
from service.components.llm import build_llm
from service.composition import build_context
from service.domain.chat import ChatRequest, CitationKind, DoneEvent, TokenEvent
from service.pipeline.chat import ChatService, prime_chat_model
from service.pipeline.chat.claims import ClaimChecker
from service.pipeline.chat.comparison import ROWS
from service.pipeline.chat.evidence import disagrees
from service.pipeline.context import PipelineContext
from service.pipeline.ingest import Ingestor
from service.settings import Settings

REPO = Path(__file__).resolve().parents[1]
WORKSPACE = "eval-chat"
DROPPED = ("A sentence of the verdict was not shown", "A sentence about E")
PASSAGE_LINE = re.compile(r'^\[E\d+\] [^:]+: "(?P<quote>.*)"$')
DISTRACTORS = ("information_security_policy.pdf", "travel_and_expenses_policy.md")


def load_cases() -> list[ChatCase]:
    """Every question of evals/datasets/chat*.yaml, validated."""
    return [case for chat_set in chat_sets() for case in chat_set.cases]


def _row(answer: str, title: str) -> list[str]:
    for line in answer.splitlines():
        if line.startswith(f"| {title} |"):
            return [cell.strip() for cell in line.strip("|").split("|")][1:3]
    return []


def right_citation(case: ChatCase, done: DoneEvent, registry: CatalogRegistry) -> bool:
    """Whether the answer cites what the case expects, each citation naming its source."""
    if not all(c.label and "None" not in c.label for c in done.citations):
        return False
    if case.kind == "requirement" and case.framework and case.ref:
        ref = registry.requirement(case.framework, case.ref).ref_id
        return (case.framework, ref) in [(c.framework, c.ref) for c in done.citations
                                         if c.kind == CitationKind.REQUIREMENT]
    if case.kind == "compare" and case.frameworks:
        cited = {(c.framework, c.field) for c in done.citations}
        fields = {(fid, field) for fid in case.frameworks for _, field in ROWS}
        facts = all(all(word.casefold() in cell.casefold()
                        for word, cell in zip(words, _row(done.answer, title), strict=False))
                    and len(_row(done.answer, title)) == 2
                    for title, words in case.facts.items())
        return fields <= cited and facts
    documents = {c.document for c in done.citations if c.kind == CitationKind.EVIDENCE}
    return bool(case.documents) and set(case.documents) <= documents


def unsupported_shown(case: ChatCase, done: DoneEvent, checker: ClaimChecker | None) -> int:
    """Sentences of the verdicts as shown that the claim check rejects."""
    if checker is None or case.kind != "compare":
        return 0
    verdicts = [part.split("\n", 1)[1].split("\nKey differences:")[0]
                for part in done.answer.split("\n\n") if "\nKey differences:" in part]
    sentences = [s for verdict in verdicts for s in verdict.replace("\n", " ").split(". ") if s]
    return sum(checker.why_unsupported(s) is not None for s in sentences)


def passages_shown(answer: str) -> list[tuple[str, str]]:
    """Each passage line's quote and the sentence shown under it ("" when none)."""
    lines = answer.splitlines()
    shown = []
    for number, line in enumerate(lines):
        found = PASSAGE_LINE.match(line)
        if found:
            after = lines[number + 1] if number + 1 < len(lines) else ""
            shown.append((found["quote"], "" if PASSAGE_LINE.match(after) else after))
    return shown


def evidence_unsupported(done: DoneEvent) -> int:
    """Sentences shown on a passage that its quote contradicts."""
    return sum(bool(said) and disagrees(quote, said) is not None
               for quote, said in passages_shown(done.answer))


def repeats(done: DoneEvent) -> int:
    """Passages quoted more than once, and sentences on passages said more than once."""
    shown = passages_shown(done.answer)
    quotes = [quote for quote, _ in shown]
    said = [s for _, s in shown if s]
    return len(quotes) - len(set(quotes)) + len(said) - len(set(said))


def ingest_samples(context: PipelineContext, cases: list[ChatCase]) -> None:
    """The samples the evidence questions expect, and two distractors, in the chat workspace.

    An unchanged file already there is skipped, so a kept data dir makes this instant.
    """
    documents = {d for case in cases for d in case.documents}
    for name in sorted(documents | set(DISTRACTORS) if documents else ()):
        Ingestor(context, WORKSPACE).ingest(REPO / "samples" / name, name)


def run(context: PipelineContext, registry: CatalogRegistry, service: ChatService,
        cases: list[ChatCase], progress: Progress | None = None) -> dict[str, Any]:
    """Ask each question; the figures and one row per answer."""
    progress = progress or Silent()
    progress.start("chat", len(cases))
    rows: list[dict[str, Any]] = []
    for case in cases:
        start, first = time.perf_counter(), None
        done = None
        for event in service.stream(ChatRequest(question=case.question, workspace=WORKSPACE)):
            if isinstance(event, TokenEvent) and first is None:
                first = time.perf_counter() - start
            if isinstance(event, DoneEvent):
                done = event
        assert done is not None
        total = time.perf_counter() - start
        checker = (ClaimChecker(registry, context.embedder, list(case.frameworks))
                   if case.frameworks else None)
        rows.append({"question": case.question, "kind": case.kind,
                     "right_citation": right_citation(case, done, registry),
                     "unsupported_shown": (unsupported_shown(case, done, checker)
                                           + evidence_unsupported(done)),
                     "repeats": repeats(done),
                     "dropped": sum(n.startswith(DROPPED) for n in done.notes),
                     "first_text_s": round(first or total, 2), "total_s": round(total, 2)})
        progress.advance(json.dumps(rows[-1]))
    count = len(rows) or 1
    return {
        "cases": len(rows),
        "right_citation_rate": round(sum(r["right_citation"] for r in rows) / count, 3),
        "unsupported_sentences_shown": sum(r["unsupported_shown"] for r in rows),
        "sentences_dropped": sum(r["dropped"] for r in rows),
        "repeats_shown": sum(r["repeats"] for r in rows),
        "mean_answer_s": round(sum(r["total_s"] for r in rows) / count, 2),
        "mean_first_text_s": round(sum(r["first_text_s"] for r in rows) / count, 2),
        "answers": rows,
    }


def markdown(result: dict[str, Any]) -> str:
    """The figures and a row per answer, as a Markdown table."""
    lines = [f"Right citations: {result['right_citation_rate']:.0%} of {result['cases']}; "
             f"unsupported sentences shown: {result['unsupported_sentences_shown']} "
             f"(dropped before showing: {result['sentences_dropped']}); repeats shown: "
             f"{result['repeats_shown']}; mean answer "
             f"{result['mean_answer_s']} s, first text {result['mean_first_text_s']} s.", "",
             "| question | kind | right citation | unsupported shown | dropped | first text "
             "| total |", "|---|---|---|---|---|---|---|"]
    lines += [f"| {r['question']} | {r['kind']} | {'yes' if r['right_citation'] else '**no**'} "
              f"| {r['unsupported_shown']} | {r['dropped']} | {r['first_text_s']} s "
              f"| {r['total_s']} s |" for r in result["answers"]]
    return "\n".join(lines)


class RowPrinter(Silent):
    """Progress as one JSON line on stderr per answer, so a cut-short run keeps its rows."""

    def advance(self, detail: str = "") -> None:
        """The row of the answer just scored."""
        print(detail, file=sys.stderr, flush=True)


def main() -> None:
    """Ingest the samples, ask every question, print the table (and write JSON)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--llm", choices=["local", "fake"], default="local")
    parser.add_argument("--out", type=Path, help="write the figures as JSON here")
    parser.add_argument("--limit", type=int, help="ask only the first N questions")
    parser.add_argument("--kind", choices=["requirement", "compare", "evidence"],
                        help="ask only the questions of this kind")
    args = parser.parse_args()
    data_dir = Path(tempfile.mkdtemp(prefix="assay-eval-chat-"))
    shared_models = REPO / "data" / "models"
    if shared_models.is_dir():
        (data_dir / "models").symlink_to(shared_models)
    settings = Settings(data_dir=data_dir)
    context = build_context(settings)
    registry = build_registry(settings)
    cases = [c for c in load_cases() if args.kind in (None, c.kind)][: args.limit]
    ingest_samples(context, cases)
    llm = build_llm(settings.llm.model_copy(update={"mode": args.llm}), data_dir)
    prime_chat_model(llm)
    result = run(context, registry, ChatService(context, registry, lambda: llm), cases,
                 RowPrinter())
    print(markdown(result))
    if args.out:
        args.out.write_text(json.dumps(result, indent=2), encoding="utf-8")
    shutil.rmtree(data_dir)


if __name__ == "__main__":
    main()
