"""Framework catalogs: frameworks, requirement nodes, facets, scales and crosswalks.

These models are the catalog file format (see ``corpora/FORMAT.md``). The JSON Schema in
``corpora/schema/`` is generated from them, so the two can never drift apart.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Final, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

FORMAT_VERSION: Final = 1


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class FacetKind(StrEnum):
    """What kind of proof a facet asks for."""

    DOCUMENTATION = "documentation"
    IMPLEMENTATION = "implementation"
    IMPROVEMENT = "improvement"


class FacetSource(StrEnum):
    """Where a facet's expectation comes from."""

    TEXT = "text"
    GUIDANCE = "guidance"


GUIDANCE_LABEL: Final = "[guidance]"
ASSAY_LABEL: Final = "[Assay label]"


class Facet(_Strict):
    """One checkable statement that, with its siblings, shows a requirement is met."""

    id: str = Field(pattern=r"^.+-f[1-9]$", description="Stable id: '<ref_id>-f<n>'.")
    kind: FacetKind
    text: str = Field(min_length=10)
    source: FacetSource = Field(
        default=FacetSource.TEXT,
        description="'text': the framework's own text asks for it; 'guidance': an expectation "
                    "from the publisher's or regulator's guidance, not from the text itself.")

    @property
    def shown_text(self) -> str:
        """The text as shown to people, marked when it comes from guidance."""
        return f"{GUIDANCE_LABEL} {self.text}" if self.source is FacetSource.GUIDANCE else self.text


class Nature(StrEnum):
    """Whether a framework is chosen or imposed."""

    VOLUNTARY = "voluntary"
    LEGALLY_BINDING = "legally_binding"


class Profile(_Strict):
    """What a framework is, for side-by-side comparison."""

    scope: str
    industry: str
    nature: Nature
    conformity: str = Field(description="How conformity is tested: audits, inspections, ...")
    penalties: str


class SourceRef(_Strict):
    """A public source that the ids and titles were checked against."""

    title: str
    url: str


class Requirement(_Strict):
    """A node of a framework's requirement tree; the leaves are assessable."""

    ref_id: str = Field(min_length=1)
    parent: str | None = None
    title: str = Field(min_length=2)
    title_is_label: bool = Field(
        default=False, description="True when the framework gives this node no official title "
                                   "and the title is Assay's own label.")
    theme: str = Field(min_length=2, description="Theme or section, used to group results.")
    assessable: bool
    summary: str = ""
    typical_evidence: tuple[str, ...] = ()
    facets: tuple[Facet, ...] = ()
    aliases: tuple[str, ...] = Field(
        default=(), description="Extra spellings that resolve to this node, e.g. 'AC-7'."
    )
    review_months: int | None = Field(
        default=None, ge=1, le=120,
        description="How old a record may be, in months, and still show practice as of the "
                    "assessment's date; unset: the setting scoring.review_months (12).")

    @property
    def shown_title(self) -> str:
        """The title as shown to people, marked when it is Assay's label, not an official one."""
        return f"{self.title} {ASSAY_LABEL}" if self.title_is_label else self.title

    @model_validator(mode="after")
    def _assessable_nodes_are_complete(self) -> Requirement:
        if not self.assessable:
            return self
        if not self.summary.strip():
            raise ValueError(f"{self.ref_id}: an assessable node needs a summary")
        if not self.typical_evidence:
            raise ValueError(f"{self.ref_id}: an assessable node needs typical_evidence")
        if not 3 <= len(self.facets) <= 6:
            raise ValueError(f"{self.ref_id}: an assessable node needs 3 to 6 facets")
        for facet in self.facets:
            if not facet.id.startswith(f"{self.ref_id}-f"):
                raise ValueError(f"{self.ref_id}: facet id {facet.id} must start with the ref_id")
        return self


class FrameworkInfo(_Strict):
    """A framework's identity, provenance and profile."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9.\-]*$")
    name: str
    version: str
    publisher: str
    source_url: str
    license: str = Field(description="License or copyright note for the framework's text.")
    default_scale: str
    profile: Profile
    sources: tuple[SourceRef, ...] = Field(min_length=1)


class Catalog(_Strict):
    """One framework file: the framework and its flat list of requirement nodes."""

    format_version: Literal[1] = 1
    framework: FrameworkInfo
    requirements: tuple[Requirement, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _tree_is_consistent(self) -> Catalog:
        seen: set[str] = set()
        facet_ids: set[str] = set()
        for node in self.requirements:
            if node.ref_id in seen:
                raise ValueError(f"duplicate ref_id {node.ref_id}")
            seen.add(node.ref_id)
            for facet in node.facets:
                if facet.id in facet_ids:
                    raise ValueError(f"duplicate facet id {facet.id}")
                facet_ids.add(facet.id)
        for node in self.requirements:
            if node.parent is not None and node.parent not in seen:
                raise ValueError(f"{node.ref_id}: parent {node.parent} does not exist")
        return self


class ScaleLevel(_Strict):
    """One level of a scale."""

    value: int = Field(ge=0)
    label: str
    descriptor: str


class Scale(_Strict):
    """A maturity or compliance scale; a level of null always means not applicable."""

    id: str
    name: str
    levels: tuple[ScaleLevel, ...] = Field(min_length=2)


class ScaleFile(_Strict):
    """The file that holds every built-in scale."""

    format_version: Literal[1] = 1
    scales: tuple[Scale, ...]


class Relationship(StrEnum):
    """How a source requirement relates to a target requirement."""

    EQUAL = "equal"
    SUBSET = "subset"
    SUPERSET = "superset"
    INTERSECT = "intersect"


class CrosswalkLink(_Strict):
    """One mapped pair of requirements."""

    source: str
    target: str
    relationship: Relationship
    note: str = ""


class Crosswalk(_Strict):
    """Links between the requirements of two frameworks."""

    format_version: Literal[1] = 1
    source_framework: str
    target_framework: str
    description: str
    sources: tuple[SourceRef, ...] = ()
    links: tuple[CrosswalkLink, ...] = Field(min_length=1)
