"""How generic a sentence is: how near it comes to compliance text in general.

A sentence that lists topics ("passwords and multi-factor authentication, the review of user
accounts, the handling of laptops ...") or states a document's purpose ("This policy defines
the requirements and processes ... to identify information security risks") comes near the
facets of many requirements at once, and so near each one without showing any ("hubness" of
nearest-neighbour matching). Its genericity is its mean cosine to the ``k`` facets of the
built-in catalogs it comes nearest, and a match score is lowered by ``weight`` times its
excess over ``centre``. On the real comply labels this is what told a policy's generic
sentences from ones that state a practice (evals/README.md, "Genericity").

It depends on the sentence and on that fixed reference alone, never on the other documents
of the workspace, so a pair's score stays a function of the pair and removing documents still
only removes candidates: the findings stay monotone.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from service.components.catalog.loader import BuiltinCorpus
from service.pipeline.score.matching import claim


def reference_texts(corpus: BuiltinCorpus) -> list[str]:
    """Every facet of the built-in catalogs' assessable requirements, as a record would say it."""
    return sorted({claim(facet.text) for catalog in corpus.frameworks
                   for node in catalog.requirements if node.assessable
                   for facet in node.facets})


@dataclass(frozen=True)
class Genericity:
    """The penalty of each sentence, from the reference facets' vectors."""

    reference: np.ndarray
    k: int
    weight: float
    centre: float

    def penalties(self, sentence_vectors: list[list[float]]) -> list[float]:
        """Per sentence: ``weight`` x (mean cosine to the k nearest reference facets - centre)."""
        if self.weight <= 0 or not sentence_vectors or not len(self.reference):
            return [0.0] * len(sentence_vectors)
        similarity = np.asarray(sentence_vectors, dtype=np.float64) @ self.reference.T
        k = min(self.k, similarity.shape[1])
        nearest = np.partition(similarity, -k, axis=1)[:, -k:].mean(axis=1)
        return [float(p) for p in self.weight * (nearest - self.centre)]
