"""Workspace evidence for an answer: passages over the relevance floor, each with a quote.

Passages come from the workspace's own chunks only; screened passages are never used. Each
passage is represented by its sentence nearest the question (a passage over the relevance
floor whose best sentence is still far from it is left out), and that quote is checked
against the passage's text as in assessment: a quote that fails is dropped with a note.
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
QUOTE_FLOOR = 0.45  # a passage whose nearest sentence is further than this is not used
RECORD = re.compile(r"minutes|log|record|report|ticket|register|result|test|evidence|audit",
                    re.IGNORECASE)
POLICY = re.compile(r"polic|procedure|standard|plan|guideline|manual|charter", re.IGNORECASE)
CONTRARY = re.compile(
    r"\bfail\w*|\bnot yet\b|\bnot (?:been )?(?:tested|performed|done|completed|reviewed|"
    r"restored|approved|implemented)\b|\boverdue\b|\bdid not\b|\bwas not\b|\bpending\b"
    r"|\bunsuccessful\b|\bmissing\b|\bgaps?\b", re.IGNORECASE)


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
        name = self.chunk.document
        if RECORD.search(name):
            return "record"
        return "policy" if POLICY.search(name) else "document"

    @property
    def contrary(self) -> bool:
        """Whether the quote reports a failure, a gap or something not yet done."""
        return CONTRARY.search(self.sentence) is not None

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
        evidence = self._retriever.retrieve(node)[:MAX_PASSAGES]
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
        return self._quotes(evidence[:MAX_PASSAGES], vector)

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
        quotes = []
        for chunk in chunks:
            if chunk.chunk_id not in best or best[chunk.chunk_id][0] < QUOTE_FLOOR:
                continue
            sentence = best[chunk.chunk_id][1]
            said = " ".join(sentence.casefold().split())
            if chunk.chunk_id in self._quoted or said in self._quoted:
                continue  # one line per distinct passage and sentence
            self._quoted |= {chunk.chunk_id, said}
            if not quote_in(sentence, chunk.text):
                self.notes.append(f"A citation of {chunk.document} was dropped: its quote is "
                                  "not in the passage.")
                continue
            self._count += 1
            quotes.append(Quote(f"E{self._count}", chunk, sentence))
        return quotes
