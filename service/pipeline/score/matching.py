"""Strategy `match`: facets against evidence sentences by embedding similarity, record-gated.

Every finding quotes a sentence verbatim, so quotes need no checking; implementation and
improvement facets only accept sentences from `record` evidence; and removing evidence can
only remove candidate sentences, so it can never raise a finding. For that, every sentence
over the partial cut-off is a candidate, with no rank cut, and a sentence's score depends on
the facet and the sentence alone, never on the other sentences: the candidate set of fewer
documents is a subset of the candidate set of more. The checks take the candidates best
first and the first that holds decides, so a finding is the best status that any candidate
earns on its own, and a subset can only lower it. (Keeping the best two refilled from the
rest when one went, and a third could pass where both had failed.)
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from service.domain.catalog import Facet, FacetKind
from service.domain.evidence import Evidence, Sentence
from service.pipeline.score.citations import normalise
from service.pipeline.score.verify import HEDGE

WORD = re.compile(r"[a-z]{3,}")
STOPWORD_TEXT = (
    "the and for are with that this from have has was were been its their all any "
    "each which who when where what into onto than then also not but per via"
)
STOPWORDS = frozenset(STOPWORD_TEXT.split())


@dataclass(frozen=True)
class Thresholds:
    """Cut-offs on the match score (cosine plus lexical support), calibrated in evals/."""

    met: float
    partial: float
    record_met: float
    record_partial: float
    lexical_weight: float
    weak: float = 0.0
    """Level 1 needs a candidate of some facet scoring at least this (0: any evidence)."""

    def cut_offs(self, kind: FacetKind) -> tuple[float, float]:
        """(met, partial) for a facet kind: terse records get their own, lower cut-offs."""
        if kind == FacetKind.DOCUMENTATION:
            return self.met, self.partial
        return self.record_met, self.record_partial


@dataclass(frozen=True)
class Candidate:
    """A sentence that may support a facet, with its match score."""

    sentence: Sentence
    score: float


LEAD_IN = re.compile(
    r"^(?:[\w,\- ]{0,60}?\b(?:records?|logs?|minutes|reports?|tickets?|registers?|evidence|"
    r"results|entries|data|documentation|dashboards?|certificates?)\s+"
    r"(?:show|shows|confirm|confirms|demonstrate|demonstrates|prove|proves|indicate|indicates)"
    r"\s+(?:that\s+)?)",
    re.IGNORECASE,
)


def claim(facet_text: str) -> str:
    """A facet without its 'Records show that' lead-in: what a record itself would say."""
    stripped = LEAD_IN.sub("", facet_text, count=1).strip()
    return stripped[:1].upper() + stripped[1:] if stripped else facet_text


def content_words(text: str) -> set[str]:
    """Lower-case words of three letters or more, without stop words."""
    return {w for w in WORD.findall(text.lower()) if w not in STOPWORDS}


def lexical_overlap(facet: str, sentence: str) -> float:
    """Share of the facet's content words that the sentence contains."""
    wanted = content_words(facet)
    return len(wanted & content_words(sentence)) / len(wanted) if wanted else 0.0


def eligible(facet: Facet, evidence: Evidence) -> bool:
    """Record gating: practice and improvement can only be shown by records.

    Not by a record older than the review period, either (see ``freshness``).
    """
    return facet.kind == FacetKind.DOCUMENTATION or evidence.counts_as_record


def match_candidates(
    facets: tuple[Facet, ...],
    facet_vectors: list[list[float]],
    sentences: list[Sentence],
    sentence_vectors: list[list[float]],
    evidence: list[Evidence],
    thresholds: Thresholds,
    penalties: list[float] | None = None,
) -> dict[str, list[Candidate]]:
    """For each facet id, every eligible sentence scoring at least ``partial``, best first.

    The kind's partial cut-off, or ``weak`` when that is set and lower (for level 1). A
    sentence's score is its cosine plus lexical support, less its penalty (``genericity``).
    """
    lowered = penalties or [0.0] * len(sentences)
    by_chunk = {e.chunk.chunk_id: e for e in evidence}
    found: dict[str, list[Candidate]] = {facet.id: [] for facet in facets}
    if not sentences:
        return found
    similarity = np.asarray(facet_vectors) @ np.asarray(sentence_vectors).T
    for row, facet in enumerate(facets):
        scored = [
            Candidate(
                sentence,
                float(similarity[row, col])
                + thresholds.lexical_weight * lexical_overlap(facet.text, sentence.text)
                - lowered[col],
            )
            for col, sentence in enumerate(sentences)
            if sentence.chunk_id in by_chunk and eligible(facet, by_chunk[sentence.chunk_id])
        ]
        scored.sort(key=lambda c: -c.score)
        partial = thresholds.cut_offs(facet.kind)[1]
        if thresholds.weak > 0:
            partial = min(partial, thresholds.weak)
        found[facet.id] = [c for c in scored if c.score >= partial]
    return found


def near_sentences(scored: Iterable[tuple[str, float]], weak: float) -> int:
    """How many different sentences of (sentence, match score) pairs score at least ``weak``.

    Hedged sentences aside. Counted by text, whitespace folded, so a sentence repeated in
    several documents (a boilerplate footer, a copy of the same policy) counts once. Removing
    documents removes candidates, so the count can only fall (``levels.relevant``).
    """
    return len({normalise(text) for text, score in scored
                if score >= weak and not HEDGE.search(text)})
