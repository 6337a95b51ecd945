"""The sources of an answer, by intent: catalog facts and workspace evidence, kept apart.

Sources come in sections: one per requirement the question is about (so that each
framework of an ambiguous reference gets its own part of the answer, under a heading that
names it), or a single section. When nothing relevant is found, the answer is fixed text
that says so, and no model is called.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from service.components.catalog import CatalogRegistry
from service.components.prompts import load_prompt
from service.domain.chat import ChatCitation
from service.pipeline.chat.catalog_facts import (
    Facts,
    ProfilePart,
    brief,
    overlap_sentence,
    profile_facts,
    requirement_appendix,
    requirement_citation,
    requirement_facts,
)
from service.pipeline.chat.catalog_search import CatalogSearch
from service.pipeline.chat.comparison import differences_table
from service.pipeline.chat.evidence import EvidenceFinder, Quote
from service.pipeline.chat.plan import Intent, Plan
from service.pipeline.chat.resolve import Preferences, Subject, short_name

NO_SOURCE = ("I found no source for this: nothing in the framework catalogs or in this "
             "workspace's documents matches it, so I cannot answer it. Ask about a requirement "
             "(such as clause 6.1 or A.8.24), a framework, or your documents.")
MAX_FULL_SUBJECTS = 2
PROMPT_ID = "chat-answer"


def task(name: str) -> str:
    """One of the chat prompt's task texts (``prompts/chat-answer.yaml``)."""
    return load_prompt(PROMPT_ID).tasks[name]


@dataclass
class Section:
    """One part of the answer: an optional heading, catalog facts and quoted passages.

    ``fixed`` is the section's text when it needs no model (e.g. no evidence was found);
    ``appendix`` follows the model's text, straight from the catalog (parts, evidence).
    ``task`` replaces the intent's task for this section's prompt; without ``ask``, the
    user's question is left out of it (the small model answers a yes/no question with
    "Yes" whatever the passage says, so a passage is asked about its topic instead).
    ``compared`` holds the two frameworks of a comparison verdict, whose sentences are
    checked against their profiles before they show; with ``distinct``, a sentence the
    answer has already shown is not shown again.
    """

    heading: str | None = None
    task: str | None = None
    ask: bool = True
    facts: Facts = field(default_factory=Facts)
    quotes: list[Quote] = field(default_factory=list)
    fixed: str | None = None
    appendix: str | None = None
    compared: tuple[str, str] | None = None
    distinct: bool = False


@dataclass
class Sources:
    """The sections for the model, or a fixed answer that needs no model."""

    sections: list[Section] = field(default_factory=list)
    fixed: str | None = None

    @property
    def quotes(self) -> list[Quote]:
        """Every quoted passage, in order."""
        return [quote for section in self.sections for quote in section.quotes]

    def citations(self) -> list[ChatCitation]:
        """Each section's catalog citations, then its evidence citations; each source once."""
        cited: list[ChatCitation] = []
        for section in self.sections:
            for citation in [*section.facts.citations, *(q.citation() for q in section.quotes)]:
                if citation not in cited:
                    cited.append(citation)
        return cited


class SourceFinder:
    """Gathers the sources a plan calls for, in one workspace."""

    def __init__(self, registry: CatalogRegistry, search: CatalogSearch,
                 evidence: EvidenceFinder, workspace: str) -> None:
        self._registry = registry
        self._search = search
        self._evidence = evidence
        self._workspace = workspace

    def _heading(self, subject: Subject) -> str:
        node = subject.node
        return f"{short_name(self._registry, subject.framework)} {node.ref_id}: {node.title}"

    def gather(self, plan: Plan, prefs: Preferences) -> Sources:
        """The sources for the plan's intent; ``fixed`` is set when there are none."""
        sources = Sources()
        if plan.intent == Intent.REQUIREMENT:
            self._requirements(plan, sources)
        elif plan.intent == Intent.WORKSPACE:
            self._workspace_evidence(plan, sources)
        elif plan.intent == Intent.COMPARE:
            self._comparisons(plan, sources)
        else:
            section = Section()
            if plan.intent == Intent.FRAMEWORK:
                for framework_id in plan.frameworks:
                    profile_facts(self._registry, framework_id, section.facts)
            else:
                self._catalog_hits(plan, prefs, section)
                if plan.intent == Intent.GENERAL:
                    section.quotes += self._evidence.for_topic(plan.topic)
            if section.facts.blocks or section.quotes:
                sources.sections.append(section)
        if not sources.sections and sources.fixed is None:
            sources.fixed = " ".join([*plan.notes, NO_SOURCE])
        return sources

    def _requirements(self, plan: Plan, sources: Sources) -> None:
        short = len(plan.subjects) > MAX_FULL_SUBJECTS
        for subject in plan.subjects:
            section = Section(self._heading(subject))
            requirement_facts(self._registry, subject, section.facts, plan.evidence_focus, short)
            section.appendix = requirement_appendix(self._registry, subject, section.facts,
                                                    plan.evidence_focus)
            sources.sections.append(section)

    def _comparisons(self, plan: Plan, sources: Sources) -> None:
        """A section per pair (one per framework a name fits, "GMP"), as the seeds show it.

        A heading names the pair; the model writes a short verdict from the profiles'
        nature and scope; the key-differences table and the crosswalk overlap follow,
        straight from the catalogs.
        """
        first, others = plan.frameworks[0], plan.frameworks[1:]
        for other in others:
            heading = (f"{short_name(self._registry, first)} and "
                       f"{short_name(self._registry, other)}")
            table, cited = differences_table(self._registry, first, other)
            section = Section(heading, task=task("verdict"), compared=(first, other),
                              appendix=f"\nKey differences:\n{table}\n\n"
                                       f"{overlap_sentence(self._registry, first, other)}")
            for framework_id in (first, other):
                profile_facts(self._registry, framework_id, section.facts, ProfilePart.NATURE)
            section.facts.cite(cited)
            sources.sections.append(section)

    def _scope(self, plan: Plan, prefs: Preferences) -> list[str]:
        preferred = prefs.ordered()
        if plan.frameworks:
            return plan.frameworks
        if preferred:
            return [preferred[0][0]]
        return [catalog.framework.id for catalog in self._registry.frameworks()]

    def _catalog_hits(self, plan: Plan, prefs: Preferences, section: Section) -> None:
        hits = self._search.search(plan.topic, self._scope(plan, prefs), annex_a=plan.annex_a)
        for hit in hits:
            node = hit.node
            section.facts.add(f"[{hit.framework} {node.ref_id}] {node.title}: "
                              f"{brief(node.summary)}",
                              [requirement_citation(hit.framework, node.ref_id)])
        if hits:
            section.appendix = "Requirements found:\n" + "\n".join(
                f"- {hit.framework} {hit.node.ref_id} {hit.node.title}" for hit in hits)
        if not section.facts.blocks and plan.intent == Intent.SEARCH and plan.frameworks:
            plan.intent = Intent.FRAMEWORK  # nothing on the topic: say what the framework is
            for framework_id in plan.frameworks:
                profile_facts(self._registry, framework_id, section.facts)

    def _workspace_evidence(self, plan: Plan, sources: Sources) -> None:
        """One short section per quoted passage: its source, then what it says."""
        if not plan.subjects:
            quotes = self._evidence.for_topic(plan.topic)
            if quotes:
                sources.sections += self._passage_sections(quotes, plan.topic or "the question")
            else:
                about = f'"{plan.topic}"' if plan.topic else "this"
                sources.fixed = (f"I found nothing about {about} in the documents of workspace "
                                 f"'{self._workspace}': no passage is relevant enough.")
            return
        for subject in plan.subjects:
            node = subject.node
            quotes = self._evidence.for_requirement(node)
            if quotes:
                passages = self._passage_sections(quotes, f"{node.ref_id} {node.title}",
                                                  self._heading(subject))
                passages[0].facts.cite([requirement_citation(subject.framework, node.ref_id)])
                sources.sections += passages
                continue
            section = Section(self._heading(subject), fixed=(
                f"Nothing in the documents of workspace '{self._workspace}' addresses "
                f"{subject.framework} {node.ref_id}: no passage is relevant enough."
                + (f" Typical evidence for it: {'; '.join(node.typical_evidence)}."
                   if node.typical_evidence else "")))
            section.facts.cite([requirement_citation(subject.framework, node.ref_id)])
            sources.sections.append(section)

    @staticmethod
    def _passage_sections(quotes: list[Quote], topic: str,
                          heading: str | None = None) -> list[Section]:
        """A section per passage, headed by its id and source (after ``heading``, if any).

        Each is a small job for the model (one passage, one sentence about the topic), and
        the first words come sooner than from one prompt with every passage.
        """
        sections = []
        against = [q for q in quotes if q.contrary]
        ordered = against + [q for q in quotes if not q.contrary]
        for number, quote in enumerate(ordered):
            lead = quote.line()
            if number == 0 and against:
                lead = ("Some evidence speaks against this: "
                        + ", ".join(f"[{q.passage_id}]" for q in against)
                        + (" reports" if len(against) == 1 else " report")
                        + " a failure, a gap or something not yet done.\n" + lead)
            title = f"{heading}\n{lead}" if heading and number == 0 else lead
            sections.append(Section(title, quotes=[quote], ask=False, distinct=True,
                                    task=task("passage").format(topic=topic)))
        return sections
