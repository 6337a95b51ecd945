"""Genericity: a sentence near many reference facets is lowered, by its own vector alone."""

from __future__ import annotations

import numpy as np

from service.components.catalog.loader import DEFAULT_CORPORA_DIR, load_builtin_corpus
from service.pipeline.score.genericity import Genericity, reference_texts


def test_a_sentence_near_many_facets_is_lowered_more_than_one_near_a_few() -> None:
    reference = np.eye(4)
    genericity = Genericity(reference, k=2, weight=0.5, centre=0.2)
    generic = list(np.ones(4) / 2.0)  # cosine 0.5 to every facet
    specific = [1.0, 0.0, 0.0, 0.0]  # one facet exactly, none of the others
    penalties = genericity.penalties([generic, specific])
    assert penalties == [0.5 * (0.5 - 0.2), 0.5 * (0.5 - 0.2)]  # the mean of the 2 nearest
    assert Genericity(reference, k=3, weight=0.5, centre=0.2).penalties([specific]) == [
        0.5 * (1.0 / 3.0 - 0.2)]
    assert Genericity(reference, 3, 0.5, 0.2).penalties([generic])[0] > 0.5 * (1 / 3 - 0.2)


def test_off_or_empty_means_no_penalty() -> None:
    assert Genericity(np.eye(3), 2, 0.0, 0.2).penalties([[1.0, 0.0, 0.0]]) == [0.0]
    assert Genericity(np.zeros((0, 0)), 2, 0.5, 0.2).penalties([[1.0, 0.0]]) == [0.0]
    assert Genericity(np.eye(3), 2, 0.5, 0.2).penalties([]) == []


def test_the_reference_is_every_built_in_facet_once() -> None:
    texts = reference_texts(load_builtin_corpus(DEFAULT_CORPORA_DIR))
    assert len(texts) > 2000 and len(texts) == len(set(texts)) and texts == sorted(texts)
