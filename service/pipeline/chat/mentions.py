"""What a question names: frameworks (by name, alias or id) and requirement references.

Framework names are found first and blanked out, so that "ISO 27001" or "NIST CSF 2.0" are
never read as references; then the reference spellings of CLI.md are found in what is left.
A name that fits several frameworks ("GMP") keeps all of them: the caller decides.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from service.components.catalog import CatalogRegistry

GMP_FAMILY = ("gmp-21cfr211", "gmp-21cfr11", "eu-gmp")
NOT_A_REF_NUMBER = r"(?!\s*\.?\s*\d)"

_ALIASES: tuple[tuple[str, tuple[str, ...]], ...] = (
    (r"\biso\s*/?\s*(?:iec\s*)?27001(?:\s*:\s*2022)?\b|\b27001\b", ("iso27001-2022",)),
    (rf"\bannex\s+a\b{NOT_A_REF_NUMBER}", ("iso27001-2022",)),
    (r"\biso\s*9001(?:\s*:\s*2015)?\b|\b9001\b", ("iso9001-2015",)),
    (r"\b(?:21\s*cfr\s*)?part\s*11\b(?!\.\d)|\b21\s*cfr\s*11\b(?!\.\d)", ("gmp-21cfr11",)),
    (r"\b21\s*cfr\s*(?:parts?\s*)?21[01](?:\s*(?:and|/)\s*21[01])?\b(?!\.\d)"
     r"|\bparts?\s*21[01]\b(?!\.\d)|\b(?:us|fda)\s+c?gmp\b|\bcgmp\b", ("gmp-21cfr211",)),
    (r"\beu\s*-?\s*gmp\b|\beudralex(?:\s+volume\s+4)?\b|\bannex\s*11\b", ("eu-gmp",)),
    (r"\bnist\s*(?:csf|cybersecurity\s+framework)(?:\s*2\.0)?|\bcsf(?:\s*2\.0)?\b"
     r"|\bcybersecurity\s+framework(?:\s*2\.0)?", ("nist-csf-2.0",)),
    (r"\bgdpr\b|\bgeneral\s+data\s+protection\s+regulation\b", ("gdpr",)),
    (r"\bgmp\b", GMP_FAMILY),
)

REF = re.compile(
    r"(?:\b21\s*cfr\s*(?:part\s*)?|§\s*)\d+(?:\.\d+)?(?:\([a-z0-9]+\))*"  # 21 CFR 211.68, §211.68
    r"|\bannex\s*a\s*\.?\s*\d+(?:\.\d+)*"  # Annex A 5.15
    r"|\ba\.\d+(?:\.\d+)*"  # A.8.24
    r"|\b(?:art\.?|article)\s*\d+"  # Art. 32, Article 32
    r"|\b[a-z]{2}\.[a-z]{2}(?:-\d{2})?\b"  # GV.OC-01, GV.OC
    r"|\b[a-z]{1,3}\d{0,2}-\d{1,2}\b"  # AC-7, A11-4
    r"|\bc\d+(?:\.\d+)?(?:\([xvi]+\))?"  # EU GMP C1.4(xii)
    r"|\b(?:clause|control|requirement)\s+\d+(?:\.\d+)*"  # clause 6, clause 6.1
    r"|\b\d+(?:\.\d+)+(?:\([a-z0-9]+\))*",  # 6.1, 211.68, 11.10(a)
    re.IGNORECASE,
)


@dataclass(frozen=True)
class FrameworkMention:
    """A framework named in the question; several ids when the name fits several."""

    spelling: str
    frameworks: tuple[str, ...]
    annex_a: bool = False


@dataclass(frozen=True)
class Mentions:
    """Everything a question names, in the order it names it."""

    frameworks: tuple[FrameworkMention, ...]
    refs: tuple[str, ...]
    rest: str  # the question with the names and references blanked out


def _blank(text: str, start: int, end: int) -> str:
    return text[:start] + " " * (end - start) + text[end:]


def _patterns(registry: CatalogRegistry) -> list[tuple[re.Pattern[str], tuple[str, ...]]]:
    known = [c.framework for c in registry.frameworks()]
    patterns: list[tuple[re.Pattern[str], tuple[str, ...]]] = [
        (re.compile(rf"(?<![\w.-]){re.escape(f.id)}(?![\w-])", re.IGNORECASE), (f.id,))
        for f in known]
    patterns += [(re.compile(rf"(?<!\w){re.escape(f.name)}(?!\w)", re.IGNORECASE), (f.id,))
                 for f in known]
    for pattern, ids in _ALIASES:
        present = tuple(fid for fid in ids if registry.has(fid))
        if present:
            patterns.append((re.compile(pattern, re.IGNORECASE), present))
    return patterns


def framework_spans(text: str, registry: CatalogRegistry
                    ) -> tuple[list[tuple[int, FrameworkMention]], str]:
    """Each framework named in a text with where it starts, and the text with them blanked."""
    found: list[tuple[int, FrameworkMention]] = []
    for pattern, ids in _patterns(registry):
        for match in pattern.finditer(text):
            spelling = match.group(0)
            annex_a = spelling.casefold().startswith("annex") and "11" not in spelling
            found.append((match.start(), FrameworkMention(spelling.strip(), ids, annex_a)))
            text = _blank(text, match.start(), match.end())
    return sorted(found, key=lambda item: item[0]), text


def find_mentions(question: str, registry: CatalogRegistry) -> Mentions:
    """The frameworks and reference spellings a question names."""
    found, text = framework_spans(question, registry)
    refs: list[str] = []
    for match in REF.finditer(text):
        spelling = " ".join(match.group(0).split())
        if spelling.casefold() not in {r.casefold() for r in refs}:
            refs.append(spelling)
        text = _blank(text, match.start(), match.end())
    mentions = tuple(mention for _, mention in found)
    return Mentions(frameworks=mentions, refs=tuple(refs), rest=" ".join(text.split()))
