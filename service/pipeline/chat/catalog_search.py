"""Search a framework's requirements by topic: the embedder over their titles, cached.

Titles are short, so matching a topic such as "suppliers" against them is sharp, and
embedding them is cheap. Each framework's title vectors are kept in memory and in
``<data dir>/cache/chat``, keyed by the embedding model and the titles.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from service.components.catalog import CatalogRegistry
from service.components.embedding import Embedder
from service.components.embedding.cache import cached_vectors
from service.domain.catalog import Requirement

SEARCH_FLOOR = 0.45


@dataclass(frozen=True)
class CatalogHit:
    """A requirement found for a topic, with its similarity in [0, 1]."""

    framework: str
    node: Requirement
    score: float


class CatalogSearch:
    """Finds requirements by topic across chosen frameworks."""

    def __init__(self, registry: CatalogRegistry, embedder: Embedder, cache_dir: Path) -> None:
        self._registry = registry
        self._embedder = embedder
        self._cache_dir = cache_dir

    def _vectors(self, framework_id: str, nodes: list[Requirement]) -> np.ndarray:
        return cached_vectors(self._embedder, [node.title for node in nodes], self._cache_dir,
                              framework_id)

    def search(self, topic: str, framework_ids: list[str], k: int = 5,
               floor: float = SEARCH_FLOOR, annex_a: bool = False) -> list[CatalogHit]:
        """The ``k`` assessable requirements whose titles are nearest the topic, over the floor.

        With ``annex_a``, ISO 27001 is searched among its Annex A controls only.
        """
        if not topic.strip():
            return []
        query = np.asarray(self._embedder.embed([topic])[0], dtype=np.float32)
        hits: list[CatalogHit] = []
        for framework_id in framework_ids:
            nodes = self._registry.assessable(framework_id)
            if not nodes:
                continue
            only_annex_a = annex_a and framework_id == "iso27001-2022"
            scores = self._vectors(framework_id, nodes) @ query
            hits += [CatalogHit(framework_id, node, float(score))
                     for node, score in zip(nodes, scores, strict=True)
                     if score >= floor and (not only_annex_a or node.ref_id.startswith("A."))]
        return sorted(hits, key=lambda hit: -hit.score)[:k]
