"""Which frameworks and requirements a question is about, never guessed silently.

A name or reference that fits several frameworks is settled in this order: the framework
chosen with the question (``--framework``), the conversation's framework, the framework of
the workspace's latest assessment. When none of them settles it, the answer covers each
framework and says so. A choice made from the conversation or an assessment is said too.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from service.components.catalog import CatalogRegistry
from service.domain.catalog import Requirement
from service.errors import NotFoundError
from service.pipeline.chat.mentions import Mentions

CHOSEN = "the framework you chose"


@dataclass(frozen=True)
class Preferences:
    """The frameworks that settle an ambiguity, each of them optional."""

    chosen: str | None = None
    conversation: str | None = None
    assessment: str | None = None

    def ordered(self) -> list[tuple[str, str]]:
        """(framework id, why it counts), in the order of precedence."""
        reasons = ((self.chosen, CHOSEN), (self.conversation, "this conversation's framework"),
                   (self.assessment, "the framework of this workspace's latest assessment"))
        return [(fid, why) for fid, why in reasons if fid]


@dataclass(frozen=True)
class Subject:
    """A requirement the question is about."""

    framework: str
    node: Requirement


@dataclass
class Resolution:
    """The frameworks and requirements of a question, with what must be said about them."""

    frameworks: list[str] = field(default_factory=list)
    subjects: list[Subject] = field(default_factory=list)
    statements: list[str] = field(default_factory=list)  # said at the start of the answer
    notes: list[str] = field(default_factory=list)  # shown beside the answer
    annex_a: bool = False


def short_name(registry: CatalogRegistry, framework_id: str) -> str:
    """A framework's name without its subtitle, e.g. "21 CFR Part 11"."""
    return registry.get(framework_id).framework.name.split(": ")[0]


def _names(registry: CatalogRegistry, ids: list[str]) -> str:
    names = [short_name(registry, fid) for fid in ids]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def choose(registry: CatalogRegistry, what: str, candidates: list[str], prefs: Preferences,
           fits: str = "exists in") -> tuple[list[str], str | None]:
    """The frameworks to use for ``what``, and the sentence that says how they were chosen."""
    if len(candidates) <= 1:
        return candidates, None
    for fid, why in prefs.ordered():
        if fid in candidates:
            said = None if why == CHOSEN else (
                f"I read {what} as {short_name(registry, fid)} ({why}).")
            return [fid], said
    return candidates, (
        f"{what} {fits} {_names(registry, candidates)}. No framework was chosen (by you, by "
        "this conversation or by an assessment of this workspace), so I answer for each.")


def find_requirement(registry: CatalogRegistry, framework_id: str,
                     spelling: str) -> Requirement | None:
    """The node a spelling names in one framework; a "clause" is never a GDPR article."""
    try:
        node = registry.requirement(framework_id, spelling)
    except NotFoundError:
        return None
    if spelling.casefold().startswith("clause") and node.ref_id.casefold().startswith("art"):
        return None
    return node


def resolve(registry: CatalogRegistry, mentions: Mentions, prefs: Preferences) -> Resolution:
    """Settle the frameworks named, then each reference within them (or within all)."""
    result = Resolution(annex_a=any(m.annex_a for m in mentions.frameworks))
    for mention in mentions.frameworks:
        chosen, said = choose(registry, f'"{mention.spelling}"', list(mention.frameworks), prefs,
                              fits="can mean")
        result.frameworks += [fid for fid in chosen if fid not in result.frameworks]
        if said:
            result.statements.append(said)
    scope = result.frameworks or [c.framework.id for c in registry.frameworks()]
    for spelling in mentions.refs:
        found = {fid: node for fid in scope
                 if (node := find_requirement(registry, fid, spelling)) is not None}
        if not found:
            where = _names(registry, scope) if result.frameworks else "any framework"
            result.notes.append(f'There is no requirement "{spelling}" in {where}.')
            continue
        if prefs.chosen and not result.frameworks and prefs.chosen not in found:
            result.notes.append(f'"{spelling}" is not in {prefs.chosen}; it was found in '
                                f"{', '.join(found)}.")
        chosen, said = choose(registry, f'"{spelling}"', list(found), prefs)
        if said:
            result.statements.append(said)
        result.subjects += [Subject(fid, found[fid]) for fid in chosen
                            if Subject(fid, found[fid]) not in result.subjects]
    return result
