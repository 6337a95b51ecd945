"""The figures the suites report: ranking metrics, level agreement, kappa, separation."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

LEVELS = tuple(range(6))


def reciprocal_rank(first_hit: int | None) -> float:
    """1/rank of the first relevant item (ranks from 1), 0 when none is relevant."""
    return 1.0 / first_hit if first_hit else 0.0


def mean(values: Sequence[float]) -> float | None:
    """The arithmetic mean, or None for no values (a figure that cannot be computed)."""
    return float(sum(values) / len(values)) if values else None


def confusion(expected: Sequence[int], proposed: Sequence[int],
              labels: Sequence[int] = LEVELS) -> list[list[int]]:
    """Counts with expected levels as rows and proposed levels as columns."""
    index = {label: i for i, label in enumerate(labels)}
    matrix = [[0] * len(labels) for _ in labels]
    for want, got in zip(expected, proposed, strict=True):
        matrix[index[want]][index[got]] += 1
    return matrix


def quadratic_weighted_kappa(expected: Sequence[int], proposed: Sequence[int],
                             labels: Sequence[int] = LEVELS) -> float | None:
    """Cohen's kappa with quadratic weights: agreement beyond chance, near misses count more.

    1 is perfect agreement, 0 chance level; None when it is undefined (one class only).
    """
    if not expected:
        return None
    observed = np.asarray(confusion(expected, proposed, labels), dtype=float)
    n = len(labels)
    grid = np.arange(n)
    weights = (grid[:, None] - grid[None, :]) ** 2 / (n - 1) ** 2
    chance = np.outer(observed.sum(axis=1), observed.sum(axis=0)) / observed.sum()
    disagreement_by_chance = float((weights * chance).sum())
    if disagreement_by_chance == 0:
        return None
    return 1.0 - float((weights * observed).sum()) / disagreement_by_chance


@dataclass(frozen=True)
class Agreement:
    """Proposed levels against expected ones."""

    cases: int
    exact: float | None
    within_one: float | None
    mae: float | None
    bias: float | None
    kappa: float | None

    @classmethod
    def of(cls, expected: Sequence[int], proposed: Sequence[int]) -> Agreement:
        """Exact and within-one agreement, mean absolute error, bias and quadratic kappa."""
        diffs = [p - e for e, p in zip(expected, proposed, strict=True)]
        return cls(
            cases=len(diffs),
            exact=mean([float(d == 0) for d in diffs]),
            within_one=mean([float(abs(d) <= 1) for d in diffs]),
            mae=mean([float(abs(d)) for d in diffs]),
            bias=mean([float(d) for d in diffs]),
            kappa=quadratic_weighted_kappa(expected, proposed),
        )


def separation(addressed: Sequence[int], not_addressed: Sequence[int]) -> float | None:
    """Mean level of what a document set addresses minus that of what it does not."""
    high, low = mean([float(v) for v in addressed]), mean([float(v) for v in not_addressed])
    return None if high is None or low is None else high - low
