"""No claim without support: each sentence of a comparison verdict is checked before it shows.

A sentence is cut into claims, one per framework it names (the words from one name to the
next belong to the first); words before any name, or a sentence naming none, speak of every
compared framework. A claim fails when

- it uses a telling word (certificate, withdrawal, fine, inspection, voluntary, ...) that
  its framework's profile does not use, or
- it reads closer to the other framework's profile than to its own (the best cosine
  similarity over the profile fields, with a small margin).

Model text streams through ``checked_sentences``, which holds each sentence until it ends,
shows it when it passes and records it in ``failures`` when it does not.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

import numpy as np

from service.components.catalog import CatalogRegistry
from service.components.embedding import Embedder
from service.pipeline.chat.comparison import profile_text
from service.pipeline.chat.mentions import framework_spans
from service.pipeline.chat.resolve import short_name

FIELDS = ("scope", "industry", "conformity", "penalties")
MARGIN = 0.02  # a claim may read this much closer to the other profile and still pass
SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n+")
BOTH = re.compile(r"\b(?:both|each|neither)\b", re.IGNORECASE)
NATURE_ONLY = ("nature",)
# a telling word of a claim, the stems its framework's profile must use for it, and the
# profile fields where (None: any field); "voluntary" is about the nature, not about a
# voluntary certification that a binding law offers
TELLING: tuple[tuple[re.Pattern[str], tuple[str, ...], tuple[str, ...] | None], ...] = tuple(
    (re.compile(pattern, re.IGNORECASE), stems, fields) for pattern, stems, fields in (
        (r"\bcertif\w*", ("certif",), None),
        (r"\bwithdraw\w*", ("withdraw",), None),
        (r"\bsuspen\w*", ("suspen",), None),
        (r"\bfines?\b|\bfined\b", ("fine",), None),
        (r"\bturnover\b", ("turnover",), None),
        (r"\brecalls?\b", ("recall",), None),
        (r"\binspect\w*", ("inspect",), None),
        (r"\baudit\w*", ("audit",), None),
        (r"\bsurveillance\b", ("surveillance",), None),
        (r"\bwarning letters?\b", ("warning letter",), None),
        (r"\bprosecut\w*|\bcriminal\b", ("prosecut", "criminal"), None),
        (r"\bself-?assess\w*", ("self-assess", "self assess"), None),
        (r"\bcontracts?\b", ("contract",), None),
        (r"\bvoluntar\w*|\boptional\b", ("voluntary",), NATURE_ONLY),
        (r"\bmandatory\b|\blegally binding\b|\bbinding\b|\benforce\w*|\bby law\b",
         ("legally binding",), NATURE_ONLY),
    ))


@dataclass(frozen=True)
class Claim:
    """The words of a sentence that speak of some of the compared frameworks."""

    text: str
    frameworks: tuple[str, ...]


def claims_of(sentence: str, frameworks: list[str],
              spans: list[tuple[int, tuple[str, ...]]]) -> list[Claim]:
    """A sentence cut at each compared framework it names (``spans``: start, ids)."""
    named = [(start, tuple(f for f in ids if f in frameworks)) for start, ids in spans]
    named = [(start, ids) for start, ids in named if ids]
    if not named or BOTH.search(sentence):
        return [Claim(sentence, tuple(frameworks))]
    starts = [0] + [start for start, _ in named[1:]] + [len(sentence)]
    return [Claim(sentence[starts[i]:starts[i + 1]], ids) for i, (_, ids) in enumerate(named)]


class ClaimChecker:
    """Checks sentences about the compared frameworks against their profiles."""

    def __init__(self, registry: CatalogRegistry, embedder: Embedder,
                 frameworks: list[str]) -> None:
        self._registry = registry
        self._embedder = embedder
        self.frameworks = frameworks
        self._texts = {fid: {f: profile_text(registry.get(fid).framework.profile, f)
                             for f in (*FIELDS, "nature")} for fid in frameworks}
        self._vectors: dict[str, np.ndarray] | None = None

    def _field_vectors(self) -> dict[str, np.ndarray]:
        if self._vectors is None:
            self._vectors = {fid: np.asarray(self._embedder.embed(
                [texts[f] for f in FIELDS])) for fid, texts in self._texts.items()}
        return self._vectors

    def _words_fail(self, claim: Claim) -> str | None:
        for pattern, stems, fields in TELLING:
            word = pattern.search(claim.text)
            if word is None:
                continue
            for fid in claim.frameworks:
                texts = self._texts[fid]
                profile = " ".join(texts[f] for f in fields or texts).casefold()
                if not any(stem in profile for stem in stems):
                    return (f'"{word.group(0)}" is not in the profile of '
                            f"{short_name(self._registry, fid)}")
        return None

    def _meaning_fails(self, claim: Claim) -> str | None:
        if len(claim.frameworks) != 1 or len(self.frameworks) < 2:
            return None
        own = claim.frameworks[0]
        vector = np.asarray(self._embedder.embed([claim.text])[0])
        best = {fid: float((vectors @ vector).max())
                for fid, vectors in self._field_vectors().items()}
        closer = [fid for fid, score in best.items() if score > best[own] + MARGIN]
        if closer:
            return (f"it reads closer to the profile of {short_name(self._registry, closer[0])} "
                    f"than to that of {short_name(self._registry, own)}")
        return None

    def why_unsupported(self, sentence: str) -> str | None:
        """Why the profiles do not back a sentence, or None when they do."""
        spans, _ = framework_spans(sentence, self._registry)
        for claim in claims_of(sentence, self.frameworks,
                               [(start, m.frameworks) for start, m in spans]):
            reason = self._words_fail(claim) or self._meaning_fails(claim)
            if reason:
                return reason
        return None


@dataclass
class CheckedStream:
    """The sentences that failed their check, with why, once the stream is read."""

    failures: list[tuple[str, str]] = field(default_factory=list)
    shown: int = 0

    def sentences(self, pieces: Iterable[str],
                  why_unsupported: Callable[[str], str | None]) -> Iterator[str]:
        """Each whole sentence of the pieces that passes, as it completes."""
        held = ""
        for piece in pieces:
            held += piece
            parts = SENTENCE_END.split(held)
            for sentence in parts[:-1]:
                yield from self._pass(sentence, why_unsupported)
            held = parts[-1]
        yield from self._pass(held, why_unsupported)

    def _pass(self, sentence: str, why_unsupported: Callable[[str], str | None]
              ) -> Iterator[str]:
        text = sentence.strip()
        if not text:
            return
        reason = why_unsupported(text)
        if reason:
            self.failures.append((text, reason))
            return
        self.shown += 1
        yield text if self.shown == 1 else " " + text


@dataclass
class Repeats:
    """Sentences already shown in an answer, so that none shows twice."""

    seen: set[str] = field(default_factory=set)

    def repeated(self, sentence: str) -> str | None:
        """"a repeat" when the sentence was shown before (remembering it otherwise)."""
        said = " ".join(sentence.casefold().split())
        if said in self.seen:
            return "a repeat"
        self.seen.add(said)
        return None
