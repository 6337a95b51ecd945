"""Answer a question as a stream of events: token pieces, then one ``done`` event.

The order is: load the conversation, resolve what the question names, gather the sources,
then either stream the model's phrasing of them or a fixed answer when there are none.
Citations are built from the sources placed in the prompt, never parsed from the model's
text; passage ids that the model writes are checked against them. The turn is stored last.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from service.components.catalog import CatalogRegistry
from service.components.llm import LLM
from service.components.prompts import load_prompt
from service.domain.chat import ChatCitation, ChatEvent, ChatRequest, DoneEvent, TokenEvent
from service.domain.workspace import validate_slug
from service.pipeline.chat.catalog_facts import requirement_citation
from service.pipeline.chat.catalog_search import CatalogSearch
from service.pipeline.chat.claims import CheckedStream, ClaimChecker, Repeats
from service.pipeline.chat.comparison import template_verdict
from service.pipeline.chat.conversation import load_state, save_turn
from service.pipeline.chat.evidence import EvidenceFinder, disagrees
from service.pipeline.chat.mentions import find_mentions
from service.pipeline.chat.plan import Intent, Plan, make_plan
from service.pipeline.chat.resolve import Preferences, resolve
from service.pipeline.chat.sources import PROMPT_ID, Section, SourceFinder, Sources, task
from service.pipeline.chat.streaming import MARGIN, first_sentence, whole_sentences
from service.pipeline.context import PipelineContext
from service.pipeline.prompting import render

MAX_ANSWER_TOKENS = 120
SECTION_TOKENS = 90
VERDICT_TOKENS = 60  # "one or two short sentences" above a table that says the rest
PASSAGE_TOKENS = 40  # one short sentence about one passage
CATALOG_LABEL = "Catalog facts:"
DOCUMENTS_LABEL = "Document passages:"
QUESTION_LABEL = "Question:"
PASSAGE_ID = re.compile(r"\bE\d+\b")


def prompt_for(plan: Plan, section: Section, question: str) -> tuple[str, str]:
    """The system and user prompts: catalog facts and fenced passages, kept apart.

    A kind of source that is empty is left out: every token costs time on the local model.
    """
    evidence_focus = plan.evidence_focus and plan.intent == Intent.REQUIREMENT
    text = section.task or task("evidence" if evidence_focus else plan.intent.value)
    facts = "\n\n".join(section.facts.blocks)
    passages = "\n\n".join(quote.block() for quote in section.quotes)
    return render(
        load_prompt(PROMPT_ID),
        catalog=f"{CATALOG_LABEL}\n{facts}\n\n" if facts else "",
        documents=f"{DOCUMENTS_LABEL}\n{passages}\n\n" if passages else "",
        task=text,
        question=f"\n{QUESTION_LABEL} {' '.join(question.split())}" if section.ask else "",
    )


def prime_chat_model(llm: LLM) -> None:
    """Have the model evaluate the chat's constant system prompt once, ahead of questions.

    llama.cpp keeps the evaluated prefix, so the first question reads only its own part
    (about 1.5 s less on the local model).
    """
    llm.generate(load_prompt(PROMPT_ID).system, "", 1)


def _budget(section: Section, sections: int) -> int:
    """The most tokens the model may write for a section: as few as its task needs."""
    if section.distinct:
        return PASSAGE_TOKENS
    if section.compared is not None:
        return VERDICT_TOKENS
    return MAX_ANSWER_TOKENS if sections == 1 else SECTION_TOKENS


def _single_framework(plan: Plan, chosen: str | None) -> str | None:
    frameworks = {s.framework for s in plan.subjects} | set(plan.frameworks)
    return frameworks.pop() if len(frameworks) == 1 else chosen


class ChatService:
    """Answers questions in a workspace from the catalogs and the workspace's documents.

    ``llm`` is called only when an answer needs the model, so a question without sources
    never loads one.
    """

    def __init__(self, context: PipelineContext, registry: CatalogRegistry,
                 llm: Callable[[], LLM]) -> None:
        self._context = context
        self._registry = registry
        self._llm = llm
        self._search = CatalogSearch(registry, context.embedder,
                                     context.settings.data_dir / "cache" / "chat")

    def stream(self, request: ChatRequest) -> Iterator[ChatEvent]:
        """Token events as the answer is written, then one ``DoneEvent``."""
        validate_slug(request.workspace)
        if request.framework:
            self._registry.get(request.framework)  # NotFoundError lists the known ids
        with self._context.sessions() as session:
            state = load_state(session, self._registry, request)
        prefs = Preferences(request.framework, state.framework, state.assessment_framework)
        mentions = find_mentions(request.question, self._registry)
        plan = make_plan(request.question, mentions, resolve(self._registry, mentions, prefs),
                         state.previous, prefs)
        evidence = EvidenceFinder(self._context, request.workspace)
        sources = SourceFinder(self._registry, self._search, evidence,
                               request.workspace).gather(plan, prefs)
        preamble = " ".join(plan.statements)
        if preamble:
            yield TokenEvent(text=preamble + "\n\n")
        pieces: list[str] = []
        checks: list[str] = []
        for piece in self._write(plan, sources, request.question, checks):
            pieces.append(piece)
            yield TokenEvent(text=piece)
        body = "".join(pieces).strip()
        answer = f"{preamble}\n\n{body}" if preamble else body
        known = {quote.passage_id for quote in sources.quotes}
        unknown = sorted(set(PASSAGE_ID.findall(body)) - known)
        notes = [*plan.notes, *evidence.notes, *checks] + [
            f"The answer names passage {pid}, which is not among its sources; ignore it."
            for pid in unknown]
        subjects = [requirement_citation(s.framework, s.node.ref_id) for s in plan.subjects]
        citations: list[ChatCitation] = sources.citations()
        with self._context.sessions() as session:
            conversation_id = save_turn(session, request, state, subjects, answer, citations,
                                        _single_framework(plan, request.framework))
        yield DoneEvent(answer=answer, conversation_id=conversation_id,
                        citations=tuple(citations), notes=tuple(notes))

    def _write(self, plan: Plan, sources: Sources, question: str,
               checks: list[str]) -> Iterator[str]:
        """The answer's pieces: each section's heading, then its fixed text or the model's.

        A comparison verdict shows only sentences its profiles back; what was dropped, or
        that the verdict was built from the profiles instead, is added to ``checks``.
        """
        if sources.fixed is not None:
            yield sources.fixed
            return
        shown = Repeats()
        for number, section in enumerate(sources.sections):
            if number:
                yield "\n\n"
            if section.heading:
                yield section.heading + "\n"
            if section.fixed is not None:
                yield section.fixed
                continue
            system, user = prompt_for(plan, section, question)
            budget = _budget(section, len(sources.sections))
            # a passage's one sentence is checked whole anyway: hold it all back, so that a
            # sentence the budget cuts short is never shown in part
            pieces = whole_sentences(self._llm().stream(system, user, budget), budget,
                                     budget if section.distinct else MARGIN)
            if section.compared is not None:
                yield from self._verdict(section.compared, pieces, checks)
            elif section.distinct:
                yield from self._passage(section, first_sentence(pieces), shown, checks)
            else:
                yield from pieces
            if section.appendix:
                yield "\n" + section.appendix

    @staticmethod
    def _passage(section: Section, pieces: Iterator[str], shown: Repeats,
                 checks: list[str]) -> Iterator[str]:
        """The model's sentence on a passage, unless it is a repeat or its quote disagrees."""
        quotes = [quote.sentence for quote in section.quotes]

        def why_unsupported(sentence: str) -> str | None:
            return (next(filter(None, (disagrees(quote, sentence) for quote in quotes)), None)
                    or shown.repeated(sentence))

        stream = CheckedStream()
        yield from stream.sentences(pieces, why_unsupported)
        checks += [f'A sentence about {", ".join(q.passage_id for q in section.quotes)} was '
                   f'not shown ({why}): "{text}"'
                   for text, why in stream.failures if why != "a repeat"]

    def _verdict(self, compared: tuple[str, str], pieces: Iterator[str],
                 checks: list[str]) -> Iterator[str]:
        """The verdict's sentences that the profiles back, else one built from the profiles."""
        checker = ClaimChecker(self._registry, self._context.embedder, list(compared))
        stream = CheckedStream()
        yield from stream.sentences(pieces, checker.why_unsupported)
        checks += [f'A sentence of the verdict was not shown ({why}): "{text}"'
                   for text, why in stream.failures]
        if not stream.shown:
            yield template_verdict(self._registry, *compared)
            checks.append("The verdict was built from the two profiles: no sentence the "
                          "model wrote was backed by them.")
