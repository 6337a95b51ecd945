"""Requirement references: the common spellings of a ref_id, resolved case-insensitively.

A query is tried as written first, then rewritten into the catalog's own spelling:
``Annex A 5.15`` -> ``A.5.15``, ``21 CFR §211.68`` -> ``211.68``, ``Article 32`` and ``32``
-> ``Art. 32``, ``Clause 6.1.2`` -> ``6.1.2``. Each node's ``aliases`` resolve too.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from service.domain.catalog import Requirement
from service.errors import NotFoundError

_REWRITES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^(?:clause|control|requirement)\s+(.+)$"), r"\1"),
    (re.compile(r"^annex\s*a\s*\.?\s*(\d.*)$"), r"a.\1"),
    (re.compile(r"^a\s+(\d.*)$"), r"a.\1"),
    (re.compile(r"^\d+\s*cfr\s*(?:part\s*)?(\d.*)$"), r"\1"),
    (re.compile(r"^(?:article|art\.?)\s*(\d.*)$"), r"art. \1"),
    (re.compile(r"^(\d+)$"), r"art. \1"),
)


def normalize_ref(ref: str) -> str:
    """The comparison key of a spelling: case-folded, without '§', single-spaced."""
    return " ".join(ref.replace("§", " ").casefold().split())


def candidate_keys(ref: str) -> list[str]:
    """The keys to try for a query, the literal spelling first, then its rewrites."""
    keys = [normalize_ref(ref)]
    for pattern, replacement in _REWRITES:
        for key in list(keys):
            rewritten = pattern.sub(replacement, key)
            if rewritten not in keys:
                keys.append(rewritten)
    return keys


class RefIndex:
    """Resolves references to the nodes of one framework."""

    def __init__(self, framework_id: str, nodes: Iterable[Requirement]) -> None:
        self.framework_id = framework_id
        self._by_key: dict[str, Requirement] = {}
        node_list = list(nodes)
        for node in node_list:
            self._by_key[normalize_ref(node.ref_id)] = node
        for node in node_list:
            for alias in node.aliases:
                self._by_key.setdefault(normalize_ref(alias), node)

    def find(self, ref: str) -> Requirement | None:
        """The node a reference names, or None."""
        for key in candidate_keys(ref):
            if key in self._by_key:
                return self._by_key[key]
        return None

    def resolve(self, ref: str) -> Requirement:
        """The node a reference names; NotFoundError names the framework otherwise."""
        node = self.find(ref)
        if node is None:
            raise NotFoundError(f"no requirement {ref!r} in framework {self.framework_id}")
        return node
