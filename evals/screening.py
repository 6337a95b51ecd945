"""Injection screening on its labelled corpus: ``python -m evals.screening``.

Reads ``evals/datasets/screening.yaml`` (sentences addressed to a model, and innocent
policy sentences that look like them) and prints, as Markdown, the share of injections
caught and of innocent sentences flagged, overall, per round of writing, per language and
per hiding technique, with every miss and false alarm. Needs no model and no data dir: it
runs in about a second.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from evals.cases import ScreeningCase, load_screening
from evals.markdown import pct, section, table
from service.pipeline.screening import is_injection, matching_rules

Screen = Callable[[str], bool]


@dataclass(frozen=True)
class ScreeningScore:
    """How a screen did on a set of cases: what it caught, what it missed, what it flagged."""

    injections: int
    caught: int
    innocent: int
    false_positives: int
    misses: tuple[ScreeningCase, ...]
    false_alarms: tuple[ScreeningCase, ...]

    @property
    def catch_rate(self) -> float:
        """Injections flagged, as a share of all injections (1.0 when there are none)."""
        return self.caught / self.injections if self.injections else 1.0

    @property
    def false_positive_rate(self) -> float:
        """Innocent sentences flagged, as a share of all innocent ones (0.0 when none)."""
        return self.false_positives / self.innocent if self.innocent else 0.0


def score(cases: Sequence[ScreeningCase], screen: Screen = is_injection) -> ScreeningScore:
    """Run ``screen`` on every case and count the outcomes against the labels."""
    flagged = [(case, screen(case.text)) for case in cases]
    misses = tuple(case for case, hit in flagged if case.injection and not hit)
    false_alarms = tuple(case for case, hit in flagged if hit and not case.injection)
    injections = sum(case.injection for case in cases)
    innocent = len(cases) - injections
    return ScreeningScore(injections, injections - len(misses), innocent, len(false_alarms),
                          misses, false_alarms)


def evaluate(unseen: bool = False, screen: Screen = is_injection) -> ScreeningScore:
    """The score of ``screen`` on the cases the rules were written from, or on the unseen ones.

    Unseen cases were never used to change a rule: they estimate how often a phrasing that
    nobody tuned for is caught. Widening the rules from one of them makes it seen.
    """
    return score([c for c in load_screening().cases if c.unseen == unseen], screen)


def _row(name: str, result: ScreeningScore) -> list[object]:
    return [name, pct(result.caught, result.injections),
            pct(result.false_positives, result.innocent)]


def report() -> str:
    """The Markdown report: rates overall, per round, language and technique; misses; alarms."""
    cases = load_screening().cases
    overall = score(cases)
    seen, unseen = evaluate(), evaluate(unseen=True)
    groups = [("all", overall), ("rules written from these", seen), ("unseen", unseen)]
    groups += [(f"round {r}", score([c for c in cases if c.round == r]))
               for r in sorted({c.round for c in cases})]
    groups += [(f"language {lang}", score([c for c in cases if c.language == lang]))
               for lang in sorted({c.language for c in cases})]
    techniques = sorted({c.technique for c in cases if c.technique})
    groups += [(f"hidden by {t}", score([c for c in cases if c.technique == t]))
               for t in techniques]
    misses = [[c.round, c.language, c.text] for c in overall.misses]
    alarms = [[c.round, c.language, c.text, ", ".join(r.name for r in matching_rules(c.text))]
              for c in overall.false_alarms]
    summary = (f"Cases the rules were written from: caught {seen.catch_rate:.1%} of "
               f"{seen.injections} injections, flagged {seen.false_positive_rate:.1%} of "
               f"{seen.innocent} innocent sentences. Unseen cases: caught "
               f"{unseen.catch_rate:.1%} of {unseen.injections}, flagged "
               f"{unseen.false_positive_rate:.1%} of {unseen.innocent}.")
    return section("Screening: injected instructions versus look-alike policy text", summary,
                   table(["cases", "injections caught", "innocent flagged"],
                         [_row(name, result) for name, result in groups]),
                   "Missed injections:" if misses else "",
                   table(["round", "language", "text"], misses) if misses else "",
                   "False alarms:" if alarms else "",
                   table(["round", "language", "text", "rules"], alarms) if alarms else "")


def main(argv: list[str] | None = None) -> None:
    """Print the report."""
    parser = argparse.ArgumentParser(prog="python -m evals.screening", description=__doc__)
    parser.parse_args(argv)
    print(report())


if __name__ == "__main__":
    main()
