"""Catalog facts for the prompt, each block with the citations of what it states.

Everything here is read from the catalogs (summaries, facets, typical evidence, crosswalk
links, framework profiles) and kept short: the local model reads about 150 tokens a second.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import Enum

from service.components.catalog import CatalogRegistry
from service.domain.chat import ChatCitation, CitationKind
from service.pipeline.chat.resolve import Subject, short_name
from service.pipeline.compare import compare_frameworks

SENTENCE_END = re.compile(r"(?<=[.])\s")
MAX_WORDS = 18
SCOPE_WORDS = 12
MAX_LINKS = 3


class ProfilePart(Enum):
    """Which lines of a framework profile go into a prompt."""

    WHOLE = "whole"
    NATURE = "nature"  # nature and scope
    TESTING = "testing"  # conformity and penalties


def brief(text: str, max_words: int = MAX_WORDS) -> str:
    """The first sentence of a text, cut after ``max_words`` words with an ellipsis.

    The cut is never moved back to a comma or colon: "No certification scheme: ..." must
    not lose what follows its colon.
    """
    first = SENTENCE_END.split(text.strip(), maxsplit=1)[0]
    words = first.split()
    if len(words) <= max_words:
        return first
    return " ".join(words[:max_words]).rstrip(",;:") + " …"


def requirement_citation(framework: str, ref: str) -> ChatCitation:
    """A citation of a requirement of a framework's catalog."""
    return ChatCitation(kind=CitationKind.REQUIREMENT, framework=framework, ref=ref)


def profile_citation(framework: str, field: str) -> ChatCitation:
    """A citation of one field of a framework's profile (``scope``, ``penalties``, ...)."""
    return ChatCitation(kind=CitationKind.REQUIREMENT, framework=framework, field=field)


@dataclass
class Facts:
    """Blocks of catalog text for the prompt and the citations of the nodes they state."""

    blocks: list[str] = field(default_factory=list)
    citations: list[ChatCitation] = field(default_factory=list)

    def add(self, block: str, citations: list[ChatCitation]) -> None:
        """Append a block and cite what it states, each source once."""
        self.blocks.append(block)
        self.cite(citations)

    def cite(self, citations: list[ChatCitation]) -> None:
        """Cite sources that the answer states outside the prompt, each once."""
        self.citations += [c for c in citations if c not in self.citations]


def requirement_facts(registry: CatalogRegistry, subject: Subject, facts: Facts,
                      evidence_focus: bool = False, short: bool = False,
                      summary: bool = True) -> None:
    """A requirement for the prompt: its summary, and the titles of its parts.

    What is checked and the typical evidence follow the model's text instead
    (``requirement_appendix``): straight from the catalog, and no tokens to read. The
    evidence is in the prompt too when the question asks about evidence. Without
    ``summary``, the model cannot mistake the requirement's words for a passage's.
    """
    fid, node = subject.framework, subject.node
    lines = [f"{short_name(registry, fid)} {node.ref_id}: {node.title}"]
    cited = [requirement_citation(fid, node.ref_id)]
    if node.summary and summary:
        whole = not (short or evidence_focus)  # evidence questions list the evidence instead
        lines.append(f"Summary: {node.summary if whole else brief(node.summary, 30)}")
    children = registry.children(fid, node.ref_id)
    if children and not short:
        lines.append("Parts: " + "; ".join(f"{c.ref_id} {c.title}" for c in children))
        cited += [requirement_citation(fid, c.ref_id) for c in children]
    if node.typical_evidence and evidence_focus:
        lines.append("Typical evidence: " + "; ".join(node.typical_evidence))
    facts.add("\n".join(lines), cited)


def requirement_appendix(registry: CatalogRegistry, subject: Subject, facts: Facts,
                         evidence_focus: bool = False) -> str | None:
    """What follows the model's text, straight from the catalog.

    The parts, or what is checked and the typical evidence; then the crosswalk links, which
    are cited here since only the answer states them.
    """
    fid, node = subject.framework, subject.node
    children = registry.children(fid, node.ref_id)
    lines = []
    if children:
        lines.append("Parts:\n" + "\n".join(f"- {c.ref_id} {c.title}" for c in children))
    if node.facets and not evidence_focus:
        lines.append("What is checked:\n" + "\n".join(f"- {f.text}" for f in node.facets))
    if node.typical_evidence:
        lines.append("Typical evidence: " + "; ".join(node.typical_evidence) + ".")
    links = registry.links(fid, node.ref_id)[:MAX_LINKS]
    if links:
        lines.append("Related by crosswalk: " + "; ".join(
            f"{link.framework} {link.ref_id} {link.title} ({link.relationship.value})"
            for link in links) + ".")
        facts.cite([requirement_citation(link.framework, link.ref_id) for link in links])
    return "\n".join(lines) or None


def profile_facts(registry: CatalogRegistry, framework_id: str, facts: Facts,
                  part: ProfilePart = ProfilePart.WHOLE) -> None:
    """What a framework is (nature, scope), how conformity is tested and its penalties.

    ``part`` picks the first two, the last two, or all four.
    """
    info = registry.get(framework_id).framework
    profile = info.profile
    lines = [info.name]
    fields = []
    if part != ProfilePart.TESTING:
        lines[0] += f": {profile.nature.value.replace('_', ' ')}"
        lines.append(f"Scope: {brief(profile.scope, SCOPE_WORDS)}")
        fields += ["nature", "scope"]
    if part != ProfilePart.NATURE:
        lines += [f"Conformity: {brief(profile.conformity)}",
                  f"Penalties: {brief(profile.penalties)}"]
        fields += ["conformity", "penalties"]
    facts.add("\n".join(lines), [profile_citation(info.id, f) for f in fields])


def overlap_sentence(registry: CatalogRegistry, first: str, second: str) -> str:
    """The direct crosswalk overlap between two frameworks, in each direction."""
    overlap = [f"{o.covered} of {o.total} {short_name(registry, o.source)} requirements link "
               f"to {short_name(registry, o.target)}"
               for o in compare_frameworks(registry, first, second).overlap]
    return "Crosswalk: " + "; ".join(overlap) + "."
