"""Chat benchmark: time to the first token and in total, on the local model, per question.

Run: `make bench` (or `.venv/bin/python -m bench.chat`). Ingests two samples into a
temporary data dir, loads the model and primes it with the chat's system prompt once, as
`assay serve` does when it starts, then asks typical questions and prints a Markdown
table. Where the time goes: "sources" is everything before the model is called
(resolution, catalog facts, retrieval and quote checks); "prefill" is from the model call to
its first token; "decode" is the rest. "first text" is what the user sees first (a heading,
a passage's source or a statement can come before the model's first token). The assembled
model is reused from ./data/models when it is there. The last lines compare the slowest
first text and first model token with the goal (under 3 s from a warm server), with the
date and the machine's load average, since other work on the cores slows prefill.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

from service.components.catalog import build_registry
from service.components.llm import LLM, DelegatingLLM, build_llm
from service.composition import build_context
from service.domain.chat import ChatRequest, TokenEvent
from service.pipeline.chat import ChatService, prime_chat_model
from service.pipeline.ingest import Ingestor
from service.settings import Settings

REPO = Path(__file__).resolve().parents[1]
GOAL_S = 3.0
SAMPLES = ("access_review_minutes_2026_q3.docx", "access_control_policy.docx")
QUESTIONS = (
    ("What does clause 6.1 require?", "iso27001-2022"),
    ("What evidence would an inspector expect for 211.68?", None),
    ("Do our documents address access reviews?", None),
    ("How does ISO 27001 differ from ISO 9001?", None),
    ("How does ISO 27001 differ from GMP?", None),
    ("Do our documents address A.5.18?", None),
)


class TimedLLM(DelegatingLLM):
    """The real model, noting when each stream is asked for and when its first piece comes."""

    def __init__(self, inner: LLM) -> None:
        super().__init__(inner)
        self.called: float | None = None
        self.first_piece: float | None = None

    def stream(self, system: str, user: str, max_tokens: int) -> Iterator[str]:
        self.called = self.called or time.perf_counter()
        for piece in self.inner.stream(system, user, max_tokens):
            self.first_piece = self.first_piece or time.perf_counter()
            yield piece


def always(llm: LLM) -> Callable[[], LLM]:
    """A provider of this model."""
    return lambda: llm


def main() -> None:
    data_dir = Path(tempfile.mkdtemp(prefix="assay-bench-chat-"))
    shared_models = REPO / "data" / "models"
    if shared_models.is_dir():
        (data_dir / "models").symlink_to(shared_models)
    settings = Settings(data_dir=data_dir)
    context = build_context(settings)
    for name in SAMPLES:
        Ingestor(context, "bench").ingest(REPO / "samples" / name, name)
    start = time.perf_counter()
    model = build_llm(settings.llm, data_dir)
    load_s = time.perf_counter() - start
    start = time.perf_counter()
    prime_chat_model(model)
    prime_s = time.perf_counter() - start
    print(f"model load: {load_s:.1f} s ({model.model_id}); system prompt primed in "
          f"{prime_s:.1f} s\n")
    print("| question | first text | sources | prefill | first model token | decode "
          "| total | tokens in / out |\n|---|---|---|---|---|---|---|---|")
    firsts: list[float] = []
    model_firsts: list[float] = []
    loads = [os.getloadavg()[0]]
    for question, framework in QUESTIONS:
        timed = TimedLLM(model)
        service = ChatService(context, build_registry(settings), always(timed))
        before, first_text = model.usage(), None
        start = time.perf_counter()
        for event in service.stream(ChatRequest(question=question, workspace="bench",
                                                framework=framework)):
            if isinstance(event, TokenEvent) and first_text is None:
                first_text = time.perf_counter() - start
        total = time.perf_counter() - start
        used = model.usage()
        called = (timed.called or start) - start
        first_piece = (timed.first_piece or start) - start
        firsts.append(first_text if first_text is not None else total)
        if timed.first_piece is not None:
            model_firsts.append(first_piece)
        loads.append(os.getloadavg()[0])
        label = question + (f" (--framework {framework})" if framework else "")
        print(f"| {label} | {first_text or 0:.1f} s | {called:.1f} s "
              f"| {first_piece - called:.1f} s | {first_piece:.1f} s "
              f"| {total - first_piece:.1f} s | {total:.1f} s "
              f"| {used.prompt_tokens - before.prompt_tokens} / "
              f"{used.completion_tokens - before.completion_tokens} |")
    print(summary(firsts, model_firsts, loads))
    shutil.rmtree(data_dir)


def verdict(seconds: float) -> str:
    """Whether a time meets the goal."""
    return "met" if seconds < GOAL_S else "**missed**"


def summary(firsts: list[float], model_firsts: list[float], loads: list[float]) -> str:
    """The slowest first text and first model token against the goal, with date and load."""
    worst = max(firsts, default=0.0)
    lines = [f"\n{datetime.now(UTC):%Y-%m-%d %H:%M} UTC, load average (1 min) "
             f"{min(loads):.1f}-{max(loads):.1f} on {os.cpu_count()} cores.",
             f"First text: slowest {worst:.1f} s, mean {sum(firsts) / max(len(firsts), 1):.1f} s "
             f"(goal < {GOAL_S:g} s: {verdict(worst)})."]
    if model_firsts:
        slowest = max(model_firsts)
        lines.append(f"First model token: slowest {slowest:.1f} s, mean "
                     f"{sum(model_firsts) / len(model_firsts):.1f} s "
                     f"(goal < {GOAL_S:g} s: {verdict(slowest)}).")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
