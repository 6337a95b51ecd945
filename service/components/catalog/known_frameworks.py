"""Facts about well-known frameworks that their OSCAL files do not carry.

An OSCAL catalog names its title, version and parties, but not what the framework is for,
whom it binds or how conformity is tested. For NIST SP 800-53 those facts are public and
stable; they are written here in Assay's words and checked against NIST's and CISA's pages.
"""

from __future__ import annotations

import re

from service.components.catalog.imported import ImportFacts, slugify
from service.domain.catalog import Nature, Profile, SourceRef

_SP800_53 = re.compile(r"\b800-53\b.*?\b(?:revision|rev\.?)\s*(\d+)", re.IGNORECASE)
_BASELINE = re.compile(r"\b(LOW|MODERATE|HIGH|PRIVACY)\b")

SP800_53_URL = "https://csrc.nist.gov/pubs/sp/800/53/r5/upd1/final"
# the facts below are rev5's (20 families, SP 800-53B baselines); an older revision is imported
# with what its file says
KNOWN_SP800_53_REVISION = "5"


def sp800_53_revision(title: str) -> str | None:
    """The revision number when the title is NIST SP 800-53's, else None."""
    match = _SP800_53.search(title)
    return match[1] if match else None


def sp800_53_id(revision: str, profile_title: str | None) -> str:
    """A short framework id: ``nist-sp-800-53-rev5``, for a baseline ``...-rev5-moderate``.

    Another profile (an organization's own tailoring) gets its title as a suffix, so that it
    never takes the id of the whole catalog.
    """
    base = f"nist-sp-800-53-rev{revision}"
    if profile_title is None:
        return base
    baseline = _BASELINE.search(profile_title)
    suffix = baseline[1].casefold() if baseline else slugify(profile_title)[:48].strip("-.")
    return f"{base}-{suffix}"


def _selection_sentence(profile_title: str | None, selected: int) -> str:
    if profile_title is None:
        return ""
    baseline = baseline_name(profile_title)
    named = f" ({baseline} baseline of SP 800-53B)" if baseline else ""
    return (f'Imported through the OSCAL profile "{profile_title}"{named}, which selects '
            f"{selected} of the catalog's controls and enhancements.")


def sp800_53_facts(profile_title: str | None, selected: int) -> ImportFacts:
    """Profile and provenance of NIST SP 800-53, optionally narrowed by a profile.

    ``selected`` counts the controls and enhancements the profile takes.
    """
    selection = _selection_sentence(profile_title, selected)
    return ImportFacts(
        profile=Profile(
            scope=(
                "Security and privacy controls for information systems and organizations, in 20 "
                "families (access control to supply chain risk management), each control with "
                "optional enhancements and organization-defined parameters. Controls are "
                "selected and tailored through the Risk Management Framework (SP 800-37) and the "
                f"baselines of SP 800-53B. {selection}"
            ).strip(),
            industry=(
                "US federal agencies and their contractors and service providers (including "
                "FedRAMP cloud services); used voluntarily by other public and private "
                "organizations as a control catalog."
            ),
            nature=Nature.VOLUNTARY,
            conformity=(
                "No certification scheme. Mandatory for US federal information systems under "
                "FISMA, FIPS 200 and OMB Circular A-130: controls are assessed with the SP "
                "800-53A procedures, and an authorizing official grants an authorization to "
                "operate (ATO); cloud services for federal agencies go through FedRAMP. Other "
                "organizations adopt it voluntarily and self-assess or use third-party "
                "assessors."
            ),
            penalties=(
                "None for voluntary adopters. For federal systems: findings in FISMA reporting "
                "and inspector general audits, denial or withdrawal of the authorization to "
                "operate, and for contractors loss of contracts or FedRAMP authorization."
            ),
        ),
        source_url=SP800_53_URL,
        license=(
            "NIST SP 800-53 is a work of the US government and not subject to copyright in the "
            "United States (17 U.S.C. 105). Control statements are imported from NIST's OSCAL "
            "content; facets and typical evidence are derived from them by Assay."
        ),
        sources=(
            SourceRef(title="NIST SP 800-53 Rev. 5, Security and Privacy Controls (CSRC)",
                      url=SP800_53_URL),
            SourceRef(title="NIST SP 800-53B, Control Baselines (CSRC)",
                      url="https://csrc.nist.gov/pubs/sp/800/53/b/upd1/final"),
            SourceRef(title="NIST OSCAL content: SP 800-53 rev5 catalog and baseline profiles",
                      url="https://github.com/usnistgov/oscal-content"),
            SourceRef(title="CISA, Federal Information Security Modernization Act (FISMA)",
                      url="https://www.cisa.gov/topics/cyber-threats-and-advisories/"
                          "federal-information-security-modernization-act"),
        ),
    )


def baseline_name(profile_title: str | None) -> str | None:
    """``MODERATE`` from 'NIST Special Publication 800-53 Revision 5 MODERATE IMPACT BASELINE'."""
    match = _BASELINE.search(profile_title or "")
    return match[1] if match else None
