"""Shared by the importers: turn nodes read from other formats into catalog requirements.

Imported texts carry no facets or typical evidence, so both are derived generically: facets
from the statement's items or, failing that, from its sentences; evidence from the title.
A node is assessable when it is a leaf, or when it carries a statement of its own and its
format says such parents are requirements too (an SP 800-53 base control with enhancements).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from service.domain.catalog import (
    Facet,
    FacetKind,
    FrameworkInfo,
    Nature,
    Profile,
    Requirement,
    SourceRef,
)
from service.errors import CatalogFormatError

MIN_FACETS, MAX_FACETS = 3, 6
SUMMARY_CHARS, FACET_CHARS = 600, 600
DEFAULT_SCALE = "maturity-0-5"

_IMPROVEMENT = re.compile(
    r"\b(improv\w*|lessons? learned|effectiveness)\b"
    r"|\b(updat|revis|adjust)\w*\b.*\b(after|based on|results?|findings?)\b", re.IGNORECASE)
_DOCUMENTATION = re.compile(
    r"\b(polic(y|ies)|procedures?|document\w*|defin\w*|develop\w*)\b", re.IGNORECASE
)
_BRACKETED = re.compile(r"\[[^\]]*\]")
_SENTENCE_BREAK = re.compile(r"(?<=[.;!?])\s+|\n+")


@dataclass(frozen=True)
class ImportFacts:
    """What is known about an imported framework beyond its file: profile and provenance."""

    profile: Profile
    source_url: str
    license: str
    sources: tuple[SourceRef, ...]


@dataclass(frozen=True)
class ImportedNode:
    """A node as read from an imported file, before facets and evidence are derived."""

    ref_id: str
    parent: str | None
    title: str
    theme: str
    text: str
    items: Sequence[str] = ()
    aliases: tuple[str, ...] = ()
    may_assess: bool = True
    assess_with_children: bool = False


def clean(text: str) -> str:
    """Whitespace collapsed to single spaces."""
    return " ".join(text.split())


def shorten(text: str, limit: int) -> str:
    """The text cut at a word boundary to at most ``limit`` characters, with an ellipsis."""
    text = clean(text)
    if len(text) <= limit:
        return text
    return text[: limit - 1].rsplit(" ", 1)[0].rstrip(" ,;:") + "…"


def slugify(text: str) -> str:
    """A framework id made from a title: lower case, digits, dots and dashes."""
    slug = re.sub(r"[^a-z0-9.]+", "-", text.casefold()).strip("-.")
    if not slug:
        raise CatalogFormatError(f"cannot make a framework id from {text!r}")
    return slug


def facet_kind(text: str) -> FacetKind:
    """Improvement for acting on results, documentation for policies, else implementation.

    A recurring "review and update" is implementation: it shows the control runs, not that
    results were used to improve it.
    """
    plain = _BRACKETED.sub(" ", text)
    if _IMPROVEMENT.search(plain):
        return FacetKind.IMPROVEMENT
    if _DOCUMENTATION.search(plain):
        return FacetKind.DOCUMENTATION
    return FacetKind.IMPLEMENTATION


def _padding(title: str) -> list[tuple[FacetKind, str]]:
    return [
        (FacetKind.DOCUMENTATION, f"The approach to {title} is documented and approved."),
        (FacetKind.IMPLEMENTATION, f"Records show that {title} is carried out in practice."),
        (FacetKind.IMPROVEMENT,
         f"Findings from reviews of {title} led to recorded improvements."),
    ]


def _grouped(texts: Sequence[str], count: int) -> list[str]:
    """The texts joined into ``count`` runs of consecutive items, as even in size as possible.

    An SP 800-53 control such as AC-2 has twelve items: each facet then carries two, rather
    than the last one carrying seven and being cut short.
    """
    size, extra = divmod(len(texts), count)
    groups, start = [], 0
    for index in range(count):
        end = start + size + (index < extra)
        groups.append(" ".join(texts[start:end]))
        start = end
    return groups


def derive_facets(node: ImportedNode) -> tuple[Facet, ...]:
    """3 to 6 facets: the statement's items, else its sentences, padded with generic ones.

    More than six items are grouped, consecutive ones together, into six facets.
    """
    texts = [clean(t) for t in node.items if len(clean(t)) >= 10]
    if not texts:
        texts = [s for s in (clean(p) for p in _SENTENCE_BREAK.split(node.text)) if len(s) >= 10]
    if len(texts) > MAX_FACETS:
        texts = _grouped(texts, MAX_FACETS)
    drafts = [(facet_kind(t), shorten(t, FACET_CHARS)) for t in texts]
    padding = sorted(_padding(node.title), key=lambda pad: pad[0] in {k for k, _ in drafts})
    drafts.extend(padding[: max(0, MIN_FACETS - len(drafts))])
    return tuple(
        Facet(id=f"{node.ref_id}-f{n}", kind=kind, text=text)
        for n, (kind, text) in enumerate(drafts, start=1)
    )


def derive_evidence(title: str, facets: Sequence[Facet]) -> tuple[str, ...]:
    """Generic typical evidence for a requirement with this title and these facets."""
    evidence = [
        f"Documented policy or procedure for {title}",
        f"Records showing that {title} is performed (logs, tickets, registers or reports)",
    ]
    if any(facet.kind is FacetKind.IMPROVEMENT for facet in facets):
        evidence.append(f"Review records and updates for {title}")
    return tuple(evidence)


def build_requirements(nodes: Sequence[ImportedNode]) -> tuple[Requirement, ...]:
    """Requirements for the nodes: parents are not assessable, leaves get facets."""
    parents = {node.parent for node in nodes}
    requirements = []
    for node in nodes:
        summary = shorten(node.text, SUMMARY_CHARS) or node.title
        own_statement = node.assess_with_children and bool(clean(node.text))
        if node.may_assess and (node.ref_id not in parents or own_statement):
            facets = derive_facets(node)
            requirements.append(Requirement(
                ref_id=node.ref_id, parent=node.parent, title=node.title, theme=node.theme,
                assessable=True, summary=summary, facets=facets, aliases=node.aliases,
                typical_evidence=derive_evidence(node.title, facets)))
        else:
            requirements.append(Requirement(
                ref_id=node.ref_id, parent=node.parent, title=node.title, theme=node.theme,
                assessable=False, summary=summary, aliases=node.aliases))
    return tuple(requirements)


def imported_info(
    framework_id: str, name: str, version: str, publisher: str, file_name: str,
    facts: ImportFacts | None = None,
) -> FrameworkInfo:
    """Framework metadata for an imported file: known facts when given, else what the file says."""
    if facts is None:
        facts = ImportFacts(
            profile=Profile(
                scope=f"The requirements of {name}, as published by {publisher}.",
                industry="Not stated in the imported file.",
                nature=Nature.VOLUNTARY,
                conformity="Not stated in the imported file; see the publisher's documentation.",
                penalties="Not stated in the imported file; see the publisher's documentation."),
            source_url=file_name,
            license=f"Imported from {file_name}; see {publisher}'s terms for the text's license.",
            sources=(SourceRef(title=f"{name} as imported from {file_name}", url=file_name),),
        )
    return FrameworkInfo(
        id=framework_id, name=name, version=version, publisher=publisher,
        source_url=facts.source_url, license=facts.license, default_scale=DEFAULT_SCALE,
        profile=facts.profile, sources=facts.sources,
    )
