"""A comparison as the product's comparison pages show it: a key-differences table.

Every cell is a framework profile's own text (its first sentence, cut short), and every
row names the profile fields it comes from, e.g. ``iso27001-2022 / penalties``. The
crosswalk overlap follows the table; the model writes only a short verdict above it, and
when that verdict cannot be shown, ``template_verdict`` builds one from the profiles.
"""

from __future__ import annotations

import re

from service.components.catalog import CatalogRegistry
from service.domain.catalog import Profile
from service.domain.chat import ChatCitation
from service.pipeline.chat.catalog_facts import brief, profile_citation
from service.pipeline.chat.resolve import short_name

CELL_WORDS = 30
CERTIFICATION = re.compile(r"\bcertif\w*", re.IGNORECASE)
CLAUSE_END = re.compile(r"(?<=[.;])\s+")
NOT_IN_PROFILE = "Not named in its profile"
# (row title, profile field); the certification row is read from the conformity field
ROWS = (("Scope", "scope"), ("Industry", "industry"), ("Nature", "nature"),
        ("Conformity and testing", "conformity"), ("Penalties", "penalties"),
        ("Certification", "conformity"))


def profile_text(profile: Profile, field: str) -> str:
    """A profile field as text; the nature reads "voluntary" or "legally binding"."""
    value = getattr(profile, field)
    return str(value.value).replace("_", " ") if field == "nature" else str(value)


def certification_cell(profile: Profile) -> str:
    """The clauses of the conformity field that speak of certification, or that it has none."""
    clauses = [c for c in CLAUSE_END.split(profile.conformity) if CERTIFICATION.search(c)]
    return brief(" ".join(clauses), CELL_WORDS) if clauses else NOT_IN_PROFILE


def _cell(profile: Profile, title: str, field: str) -> str:
    text = (certification_cell(profile) if title == "Certification"
            else brief(profile_text(profile, field), CELL_WORDS))
    return text.replace("|", "/").replace("\n", " ")


def differences_table(registry: CatalogRegistry, first: str,
                      second: str) -> tuple[str, list[ChatCitation]]:
    """The key-differences table in Markdown and the citation of each profile field in it."""
    profiles = [registry.get(fid).framework.profile for fid in (first, second)]
    lines = [f"| Aspect | {short_name(registry, first)} | {short_name(registry, second)} "
             "| Source |", "|---|---|---|---|"]
    cited: list[ChatCitation] = []
    for title, field in ROWS:
        cells = [_cell(profile, title, field) for profile in profiles]
        lines.append(f"| {title} | {cells[0]} | {cells[1]} | "
                     f"{first} / {field}; {second} / {field} |")
        cited += [c for c in (profile_citation(first, field), profile_citation(second, field))
                  if c not in cited]
    return "\n".join(lines), cited


def template_verdict(registry: CatalogRegistry, first: str, second: str) -> str:
    """A verdict built from the two profiles alone: nature and industry of each."""
    parts = []
    for fid in (first, second):
        profile = registry.get(fid).framework.profile
        parts.append(f"{short_name(registry, fid)} is {profile_text(profile, 'nature')} "
                     f"({brief(profile.industry, 12).rstrip('.')})")
    return f"{parts[0]}, while {parts[1]}."
