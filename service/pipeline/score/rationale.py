"""Rationales: a template from the findings, or 2-4 sentences from the LLM over the findings."""

from __future__ import annotations

from service.components.llm import LLM
from service.components.prompts import PromptTemplate
from service.domain.assessment import FacetFinding, FacetStatus
from service.domain.catalog import FacetKind, Requirement
from service.pipeline.prompting import fence, render

KIND_WORDS = {
    FacetKind.DOCUMENTATION: "documentation",
    FacetKind.IMPLEMENTATION: "implementation (record-backed)",
    FacetKind.IMPROVEMENT: "improvement",
}


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


def findings_text(findings: tuple[FacetFinding, ...], documents: dict[str, str]) -> str:
    """The findings as the rationale prompt lists them, quotes fenced."""
    lines = []
    for f in findings:
        where = f" in {fence(documents.get(f.chunk_id or '', 'a document'))}" if f.quote else ""
        quote = f' <evidence>{fence(f.quote)}</evidence>' if f.quote else ""
        lines.append(f"- [{f.kind.value}] {f.status.value}{where}: {f.text}{quote}")
    return "\n".join(lines)


def llm_rationale(llm: LLM, template: PromptTemplate, requirement: Requirement, level: int,
                  label: str, findings: tuple[FacetFinding, ...],
                  documents: dict[str, str]) -> str:
    """Two to four sentences written by the model from the findings, never raw evidence."""
    system, user = render(template, ref_id=requirement.ref_id, title=requirement.title,
                          level=str(level), label=label,
                          findings=findings_text(findings, documents))
    return llm.generate(system, user, max_tokens=120).strip()
