from evals.metrics import (
    Agreement,
    confusion,
    quadratic_weighted_kappa,
    reciprocal_rank,
    separation,
)


def test_kappa_is_one_for_perfect_agreement_and_below_zero_for_reversal() -> None:
    assert quadratic_weighted_kappa([0, 1, 3, 4], [0, 1, 3, 4]) == 1.0
    reversed_kappa = quadratic_weighted_kappa([0, 1, 3, 4], [4, 3, 1, 0])
    assert reversed_kappa is not None and reversed_kappa < 0


def test_kappa_matches_a_hand_computed_value() -> None:
    # weights (i - j)^2 / 25 over the 0-5 scale: observed 2/25 = 0.08; by chance each
    # expected row (0 and 3) spreads 0.5 over proposed 0-3: 2 * 0.5 * 14/25 = 0.56
    kappa = quadratic_weighted_kappa([0, 0, 3, 3], [0, 1, 3, 2])
    assert kappa is not None and round(kappa, 4) == round(1 - 0.08 / 0.56, 4)


def test_kappa_is_undefined_when_everything_is_one_class() -> None:
    assert quadratic_weighted_kappa([2, 2], [2, 2]) is None


def test_agreement_and_confusion() -> None:
    agreement = Agreement.of([0, 3, 3, 4], [1, 3, 1, 4])
    assert (agreement.exact, agreement.within_one, agreement.mae, agreement.bias) == (
        0.5, 0.75, 0.75, -0.25)
    assert confusion([0, 3], [1, 3])[0][1] == 1 and confusion([0, 3], [1, 3])[3][3] == 1


def test_ranking_and_separation() -> None:
    assert reciprocal_rank(None) == 0.0 and reciprocal_rank(4) == 0.25
    assert separation([3, 3], [0, 1]) == 2.5 and separation([3], []) is None
