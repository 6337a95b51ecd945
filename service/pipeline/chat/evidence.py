"""Workspace evidence for an answer: passages over the relevance floor, each with a quote.

Passages come from the workspace's own chunks only; screened passages are never used. Each
passage is represented by its sentence nearest the question (a passage over the relevance
floor whose best sentence is still far from it is left out), and that quote is checked
against the passage's text as in assessment: a quote that fails is dropped with a note.
A policy says what should happen and a record shows what did: when none of the best
passages is a record but a record further down is close enough, it takes the last place.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from service.domain.catalog import Requirement
from service.domain.chat import ChatCitation, CitationKind
from service.domain.evidence import Chunk, Evidence
from service.pipeline.context import PipelineContext
from service.pipeline.prompting import evidence_block, fence
from service.pipeline.retrieve import Retriever, requirement_queries
from service.pipeline.score.citations import quote_in
from service.pipeline.scoring_setup import retrieval_params
from service.pipeline.visible import visible_documents

MAX_PASSAGES = 3
CANDIDATES = 8  # passages over the floor looked at, so that a record can be found
QUOTE_FLOOR = 0.45  # a passage whose nearest sentence is further than this is not used
RECORD = re.compile(r"minutes|log|record|report|ticket|register|result|test|evidence|audit",
                    re.IGNORECASE)
POLICY = re.compile(r"polic|procedure|standard|plan|guideline|manual|charter", re.IGNORECASE)
CONTRARY = re.compile(
    r"\bfail\w*|\bnot yet\b|\bnot (?:been )?(?:tested|performed|done|completed|reviewed|"
    r"restored|approved|implemented)\b|\boverdue\b|\bdid not\b|\bwas not\b|\bpending\b"
    r"|\bunsuccessful\b|\bmissing\b|\bgaps?\b", re.IGNORECASE)


def document_kind(name: str) -> str:
    """The kind of document, from its name: record, policy or document."""
    if RECORD.search(name):
        return "record"
    return "policy" if POLICY.search(name) else "document"


def reports_against(text: str) -> bool:
    """Whether a text reports a failure, a gap or something not yet done."""
    return CONTRARY.search(text) is not None


def disagrees(quote: str, said: str) -> str | None:
    """Why a sentence about a quote is not backed by it, or None when it may be shown.

    The small model reads "the restore test failed" and writes "the passage confirms that
    the data can be restored": a sentence must report a failure or gap exactly when its
    quote does.
    """
    if reports_against(quote) and not reports_against(said):
        return "its passage reports a failure, a gap or something not yet done; it does not"
    if reports_against(said) and not reports_against(quote):
        return "it reports a failure, a gap or something not yet done; its passage does not"
    return None


@dataclass(frozen=True)
class Quote:
    """A passage used in an answer and its quoted sentence."""

    passage_id: str
    chunk: Chunk
    sentence: str

    def citation(self) -> ChatCitation:
        """The evidence citation of this quote."""
        return ChatCitation(kind=CitationKind.EVIDENCE, document=self.chunk.document,
                            page=self.chunk.page, heading=self.chunk.heading or None,
                            chunk_id=self.chunk.chunk_id, quote=self.sentence)

    @property
    def kind(self) -> str:
        """The kind of document, from its name: record, policy or document."""
        return document_kind(self.chunk.document)

    @property
    def contrary(self) -> bool:
        """Whether the quote reports a failure, a gap or something not yet done."""
        return reports_against(self.sentence)

    def line(self) -> str:
        """The passage in one line: its id, kind, source, heading and quote."""
        heading = f" ({self.chunk.heading})" if self.chunk.heading else ""
        return (f"[{self.passage_id}] {self.kind.capitalize()}, {self.source()}{heading}: "
                f'"{self.sentence}"')

    def source(self) -> str:
        """Where the passage is from: its document, and its page when it has one."""
        return fence(self.chunk.document) + (f", page {self.chunk.page}"
                                             if self.chunk.page else "")

    def block(self) -> str:
        """The passage for the prompt: where it is from, then the quote inside its fence."""
        return (f"{self.passage_id} from {self.source()}:\n"
                f"{evidence_block(self.passage_id, self.sentence)}")


class EvidenceFinder:
    """Finds quoted evidence in one workspace, for a requirement or for a topic."""

    def __init__(self, context: PipelineContext, workspace: str) -> None:
        self._context = context
        self._workspace = workspace
        self._params = retrieval_params(context.settings.scoring)
        self._retriever: Retriever | None = None
        self.notes: list[str] = []
        self._count = 0
        self._quoted: set[str] = set()  # chunk ids and sentences already quoted

    def for_requirement(self, node: Requirement) -> list[Quote]:
        """Quotes from the passages retrieved for a requirement, best first."""
        if self._context.store.count(self._workspace) == 0:
            return []
        if self._retriever is None:
            self._retriever = Retriever(self._context, self._workspace, self._params)
        evidence = self._retriever.retrieve(node, related=False)[:CANDIDATES]
        return self._quotes(evidence, self._retriever.vectors(requirement_queries(node)))

    def for_topic(self, topic: str) -> list[Quote]:
        """Quotes from the passages nearest a topic, over the relevance floor."""
        store = self._context.store
        if not topic.strip() or store.count(self._workspace) == 0:
            return []
        vector = self._context.embedder.embed([topic])
        visible = visible_documents(self._context, self._workspace)
        hits = store.query(self._workspace, vector, self._params.candidates, visible=visible)[0]
        evidence = [Evidence(chunk=hit.chunk, score=hit.score) for hit in hits
                    if hit.score >= self._params.floor and not hit.chunk.screened]
        return self._quotes(evidence[:CANDIDATES], vector)

    def _quotes(self, evidence: list[Evidence], queries: list[list[float]]) -> list[Quote]:
        chunks = [e.chunk for e in evidence if not e.chunk.screened]
        sentences, vectors = self._context.store.sentences(
            self._workspace, [c.chunk_id for c in chunks])
        best: dict[str, tuple[float, str]] = {}
        if sentences:
            similarity = (np.asarray(vectors) @ np.asarray(queries).T).max(axis=1)
            for found, score in zip(sentences, similarity, strict=True):
                if score > best.get(found.chunk_id, (-2.0, ""))[0]:
                    best[found.chunk_id] = (float(score), found.text)
        candidates: list[Quote] = []
        seen = set(self._quoted)
        for chunk in chunks:
            if chunk.chunk_id not in best or best[chunk.chunk_id][0] < QUOTE_FLOOR:
                continue
            sentence = best[chunk.chunk_id][1]
            said = " ".join(sentence.casefold().split())
            if chunk.chunk_id in seen or said in seen:
                continue  # one line per distinct passage and sentence
            seen |= {chunk.chunk_id, said}
            if not quote_in(sentence, chunk.text):
                note = (f"A citation of {chunk.document} was dropped: its quote is not in the "
                        "passage.")
                if note not in self.notes:
                    self.notes.append(note)
                continue
            candidates.append(Quote("", chunk, sentence))
        quotes = []
        for chosen in with_a_record(candidates):
            self._count += 1
            self._quoted |= {chosen.chunk.chunk_id, " ".join(chosen.sentence.casefold().split())}
            quotes.append(Quote(f"E{self._count}", chosen.chunk, chosen.sentence))
        return quotes


def with_a_record(candidates: list[Quote]) -> list[Quote]:
    """The first ``MAX_PASSAGES``, the last place going to the first record if none is in."""
    best = candidates[:MAX_PASSAGES]
    if len(best) < MAX_PASSAGES or any(quote.kind == "record" for quote in best):
        return best
    record = next((q for q in candidates[MAX_PASSAGES:] if q.kind == "record"), None)
    return best if record is None else [*best[:-1], record]
