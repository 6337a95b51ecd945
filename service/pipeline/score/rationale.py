"""Rationales: a template from the findings, or 2-4 sentences from the LLM over the findings.

The model's rationale is a small, checkable job: it is given the findings, the documents
that show them and the reason the level is not higher, and only phrases them. Its text is
checked before it replaces the template: it may name only documents among the findings, may
quote only what a finding quotes, and cites no passage ids.
"""

from __future__ import annotations

import hashlib
import json
import re

from service.components.prompts import PromptTemplate
from service.domain.assessment import FacetFinding, FacetStatus
from service.domain.catalog import FacetKind
from service.pipeline.prompting import fence, render
from service.pipeline.score.citations import normalise

KIND_WORDS = {
    FacetKind.DOCUMENTATION: "documentation",
    FacetKind.IMPLEMENTATION: "implementation (record-backed)",
    FacetKind.IMPROVEMENT: "improvement",
}
STATUS_WORDS = {FacetStatus.MET: "met", FacetStatus.PARTIAL: "partly met",
                FacetStatus.NOT_MET: "not met"}
MAX_TOKENS = 140
MAX_CHARS = 900
FILE_NAME = re.compile(
    r"[\w][\w./\\-]*\.(?:md|pdf|csv|docx?|xlsx?|txt|html?|pptx?|odt|ods|json|ya?ml|png|jpe?g|tiff?)\b",
    re.IGNORECASE,
)
QUOTED = re.compile(r"[\"“]([^\"”]{20,})[\"”]")
PASSAGE_ID = re.compile(r"\[\s*[A-Z]{0,2}\d+\s*\]")
MARKUP = re.compile(r"<\s*/?\s*evidence|<\|")
SENTENCE_END = re.compile(r"[.!?](?=\s|$)")


def _tally(findings: tuple[FacetFinding, ...], kind: FacetKind) -> str:
    own = [f for f in findings if f.kind == kind]
    met = sum(f.status == FacetStatus.MET for f in own)
    partial = sum(f.status == FacetStatus.PARTIAL for f in own)
    extra = f" and {partial} partly" if partial else ""
    return f"{met} of {len(own)} {KIND_WORDS[kind]} facets met{extra}"


def template_rationale(findings: tuple[FacetFinding, ...], level: int, label: str,
                       documents: list[str]) -> str:
    """A rationale from counts and sources, for runs without an LLM rationale."""
    if not documents:
        return f"Level {level} ({label}): no evidence passed the relevance floor."
    tallies = "; ".join(_tally(findings, kind) for kind in FacetKind)
    sources = ", ".join(dict.fromkeys(documents))
    return f"Level {level} ({label}): {tallies}. Evidence from {sources}."


def _met_count(findings: tuple[FacetFinding, ...], kind: FacetKind) -> str:
    own = [f for f in findings if f.kind == kind]
    met = sum(f.status == FacetStatus.MET for f in own)
    return f"{met} of {len(own)} {'is' if met == 1 else 'are'}"


def not_higher(findings: tuple[FacetFinding, ...], level: int) -> str:
    """Why the level is not one higher, by the levels rule (``levels.py``)."""
    if level >= 5:
        return "it is the top level."
    if level == 0:
        return "level 1 needs evidence that passes the relevance floor; none does."
    if level == 1:
        return "level 2 needs a documentation facet at least partly met; none is."
    if level == 2:
        return (f"level 3 needs every documentation facet met; "
                f"{_met_count(findings, FacetKind.DOCUMENTATION)}.")
    if level == 3:
        return (f"level 4 needs every implementation facet met by a record; "
                f"{_met_count(findings, FacetKind.IMPLEMENTATION)}.")
    return (f"level 5 needs every improvement facet met by a record; "
            f"{_met_count(findings, FacetKind.IMPROVEMENT)}.")


def findings_text(findings: tuple[FacetFinding, ...], documents: dict[str, str]) -> str:
    """The findings as the rationale prompt lists them, document names and quotes fenced."""
    lines = []
    for f in findings:
        where = ""
        if f.quote:
            name = fence(documents.get(f.chunk_id or "", "a document"))
            where = f", shown in {name}: <evidence>{fence(f.quote)}</evidence>"
        lines.append(f"- {STATUS_WORDS[f.status]} ({f.kind.value}): {f.text}{where}")
    return "\n".join(lines)


def rationale_prompt(template: PromptTemplate, ref_id: str, title: str, level: int,
                     label: str, findings: tuple[FacetFinding, ...],
                     documents: dict[str, str]) -> tuple[str, str]:
    """The system and user prompts for one proposal's rationale."""
    return render(template, ref_id=ref_id, title=title, level=str(level), label=label,
                  findings=findings_text(findings, documents),
                  not_higher=not_higher(findings, level))


def cache_key(model_id: str, template: PromptTemplate, system: str, user: str) -> str:
    """The hash of what a rationale is written from: the prompt (findings), model and version."""
    payload = json.dumps([model_id, template.id, template.version, system, user])
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def complete_sentences(text: str) -> str:
    """The text up to its last full sentence (a reply cut at the token limit loses its tail)."""
    text = " ".join(text.split())
    ends = [m.end() for m in SENTENCE_END.finditer(text)]
    return text[: ends[-1]] if ends else ""


def rationale_problems(text: str, findings: tuple[FacetFinding, ...],
                       documents: dict[str, str]) -> list[str]:
    """Why a model's rationale may not stand; empty when it passes every check."""
    problems = []
    sentences = len(SENTENCE_END.findall(text))
    if not 1 <= sentences <= 5:
        problems.append(f"{sentences} sentences, not 2 to 4")
    if len(text) > MAX_CHARS:
        problems.append(f"{len(text)} characters, more than {MAX_CHARS}")
    shown = {documents[f.chunk_id] for f in findings if f.quote and f.chunk_id in documents}
    allowed = {n.lower() for n in shown} | {n.rsplit("/", 1)[-1].lower() for n in shown}
    problems += [f"names {m.group(0)!r}, which no finding cites"
                 for m in FILE_NAME.finditer(text) if m.group(0).lower() not in allowed]
    sources = [normalise(s).lower() for f in findings for s in (f.quote or "", f.text) if s]
    problems += [f"quotes {m.group(1)[:40]!r}, which no finding says"
                 for m in QUOTED.finditer(text)
                 if not any(normalise(m.group(1)).lower() in s for s in sources)]
    if PASSAGE_ID.search(text):
        problems.append("cites a passage id")
    if MARKUP.search(text):
        problems.append("carries prompt markup")
    return problems
