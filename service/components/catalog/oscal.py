"""Import an OSCAL catalog (JSON, as NIST publishes SP 800-53 rev5) as a framework catalog.

Groups become parent nodes and enhancements children of their control. A control with a
statement is assessable even when it has enhancements (every 800-53 baseline selects base
controls), and each enhancement is a requirement of its own. A control's ref_id is its label
(``AC-7``) and its OSCAL id (``ac-7``) an alias. Withdrawn controls are skipped.

An OSCAL profile (such as the LOW, MODERATE and HIGH baselines) narrows the import to the
controls it includes; families and base controls that only hold selected enhancements stay
as non-assessable parents.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from service.components.catalog.imported import (
    FACET_CHARS,
    MAX_FACETS,
    ImportedNode,
    build_requirements,
    clean,
    imported_info,
    slugify,
)
from service.components.catalog.known_frameworks import (
    KNOWN_SP800_53_REVISION,
    sp800_53_facts,
    sp800_53_id,
    sp800_53_revision,
)
from service.domain.catalog import Catalog
from service.errors import CatalogFormatError

_INSERT = re.compile(r"\{\{\s*insert:\s*param,\s*([\w.\-]+)\s*\}\}")


class _Loose(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class OscalProp(_Loose):
    """A name/value property."""

    name: str
    value: str


class OscalPart(_Loose):
    """A statement, item or guidance part, with nested parts."""

    name: str
    props: tuple[OscalProp, ...] = ()
    prose: str = ""
    parts: tuple[OscalPart, ...] = ()


class OscalSelect(_Loose):
    """The choices of a selection parameter; ``one-or-more`` when several may be chosen."""

    how_many: str | None = Field(default=None, alias="how-many")
    choice: tuple[str, ...] = ()


class OscalParam(_Loose):
    """A parameter, filled in by an organization."""

    id: str
    label: str | None = None
    select: OscalSelect | None = None


class OscalControl(_Loose):
    """A control, with its enhancements as nested controls."""

    id: str
    title: str = Field(min_length=2)
    props: tuple[OscalProp, ...] = ()
    params: tuple[OscalParam, ...] = ()
    parts: tuple[OscalPart, ...] = ()
    controls: tuple[OscalControl, ...] = ()


class OscalGroup(_Loose):
    """A family of controls, possibly with sub-groups."""

    id: str | None = None
    title: str = Field(min_length=2)
    props: tuple[OscalProp, ...] = ()
    groups: tuple[OscalGroup, ...] = ()
    controls: tuple[OscalControl, ...] = ()


class OscalParty(_Loose):
    """A person or organization named in the metadata."""

    name: str = ""


class OscalMetadata(_Loose):
    """The catalog's title, version and parties."""

    title: str = Field(min_length=2)
    version: str
    parties: tuple[OscalParty, ...] = ()


class OscalIdSelector(_Loose):
    """Controls named by id, as a profile's include or exclude rule lists them."""

    with_ids: tuple[str, ...] = Field(default=(), alias="with-ids")


class OscalImport(_Loose):
    """One import of a profile: which controls of the referenced catalog it takes."""

    href: str = ""
    include_all: dict[str, Any] | None = Field(default=None, alias="include-all")
    include_controls: tuple[OscalIdSelector, ...] = Field(default=(), alias="include-controls")
    exclude_controls: tuple[OscalIdSelector, ...] = Field(default=(), alias="exclude-controls")


class OscalProfile(_Loose):
    """An OSCAL profile: a selection of a catalog's controls, such as an 800-53 baseline."""

    metadata: OscalMetadata
    imports: tuple[OscalImport, ...] = Field(min_length=1)


class OscalProfileDocument(_Loose):
    """An OSCAL profile file."""

    profile: OscalProfile


class OscalCatalog(_Loose):
    """The catalog: metadata, groups and top-level controls."""

    metadata: OscalMetadata
    groups: tuple[OscalGroup, ...] = ()
    controls: tuple[OscalControl, ...] = ()


class OscalDocument(_Loose):
    """An OSCAL catalog file."""

    catalog: OscalCatalog


def _prop(props: Sequence[OscalProp], name: str) -> str | None:
    return next((p.value for p in props if p.name == name), None)


def _fill(prose: str, params: dict[str, str]) -> str:
    return _INSERT.sub(lambda m: params.get(m[1], f"[assignment: {m[1]}]"), prose)


def _param_texts(params: Sequence[OscalParam], inherited: dict[str, str]) -> dict[str, str]:
    texts = dict(inherited)
    texts.update({p.id: f"[assignment: {p.label}]" for p in params if p.label})
    for param in params:
        if param.label is None:
            texts[param.id] = _selection_text(param.select, texts) or f"[assignment: {param.id}]"
    return texts


def _selection_text(select: OscalSelect | None, texts: dict[str, str]) -> str | None:
    """``[selection: a; b]``, or ``[selection (one or more): a; b]`` as NIST prints it."""
    choices = [_fill(c, texts) for c in (select.choice if select else ())]
    if not choices:
        return None
    how_many = f" ({select.how_many.replace('-', ' ')})" if select and select.how_many else ""
    return f"[selection{how_many}: {'; '.join(choices)}]"


def _flatten(part: OscalPart, params: dict[str, str], with_label: bool = True) -> str:
    label = _prop(part.props, "label") if with_label else None
    pieces = [label or "", _fill(part.prose, params)]
    pieces += [_flatten(item, params) for item in part.parts if item.name == "item"]
    return clean(" ".join(pieces))


def _sub_items(part: OscalPart) -> list[OscalPart]:
    return [item for item in part.parts if item.name == "item"]


def _facet_items(statement: OscalPart, params: dict[str, str]) -> list[str]:
    """The statement's items as facet texts; an item too long for one facet is split.

    Such an item (AC-1 a: "Develop ... to [roles]: 1. a policy ...; 2. procedures ...") is
    replaced by its sub-items, each led by the item's own words, while six facets suffice.
    """
    pieces = [("", item) for item in _sub_items(statement)]

    def text(piece: tuple[str, OscalPart]) -> str:
        return clean(f"{piece[0]} {_flatten(piece[1], params, with_label=False)}")

    while True:
        splittable = [n for n, piece in enumerate(pieces) if len(text(piece)) > FACET_CHARS
                      and 0 < len(_sub_items(piece[1])) <= MAX_FACETS - len(pieces) + 1]
        if not splittable:
            return [text(piece) for piece in pieces]
        lead, part = pieces[splittable[0]]
        lead = clean(f"{lead} {_fill(part.prose, params)}")
        pieces[splittable[0]:splittable[0] + 1] = [(lead, sub) for sub in _sub_items(part)]


@dataclass(frozen=True)
class Selection:
    """The controls a profile takes: those included (None: all) minus those excluded."""

    title: str
    include: frozenset[str] | None
    exclude: frozenset[str] = frozenset()

    def chosen(self, control_id: str) -> bool:
        """Whether the profile takes this control."""
        return (self.include is None or control_id in self.include) and (
            control_id not in self.exclude)


class _Walker:
    def __init__(self, selection: Selection | None) -> None:
        self.nodes: list[ImportedNode] = []
        self.selection = selection
        self.seen: set[str] = set()

    def _chosen(self, control_id: str) -> bool:
        return self.selection is None or self.selection.chosen(control_id)

    def group(self, group: OscalGroup, parent: str | None, theme: str | None) -> None:
        ref_id = _prop(group.props, "label") or group.id or slugify(group.title)
        theme = theme or group.title
        start = len(self.nodes)
        for sub_group in group.groups:
            self.group(sub_group, ref_id, theme)
        for control in group.controls:
            self.control(control, ref_id, theme, {})
        if len(self.nodes) > start or self.selection is None:
            self.nodes.insert(start, ImportedNode(ref_id, parent, group.title, theme, "",
                                                  may_assess=False))

    def control(
        self, control: OscalControl, parent: str | None, theme: str | None,
        inherited: dict[str, str],
    ) -> None:
        self.seen.add(control.id)
        if (_prop(control.props, "status") or "").casefold() == "withdrawn":
            return
        params = _param_texts(control.params, inherited)
        ref_id = _prop(control.props, "label") or control.id
        statement = next((p for p in control.parts if p.name == "statement"), None)
        text = _flatten(statement, params) if statement else ""
        items = _facet_items(statement, params) if statement else []
        aliases = (control.id,) if control.id != ref_id else ()
        start = len(self.nodes)
        for enhancement in control.controls:
            self.control(enhancement, ref_id, theme or control.title, params)
        chosen = self._chosen(control.id)
        if chosen or len(self.nodes) > start:
            self.nodes.insert(start, ImportedNode(
                ref_id, parent, control.title, theme or control.title, text, items, aliases,
                may_assess=chosen, assess_with_children=True))


def profile_selection(data: dict[str, Any]) -> Selection:
    """The controls an OSCAL profile selects from the catalog it imports."""
    profile = OscalProfileDocument.model_validate(data).profile
    take_all = any(source.include_all is not None for source in profile.imports)
    included = {i for s in profile.imports for rule in s.include_controls for i in rule.with_ids}
    excluded = {i for s in profile.imports for rule in s.exclude_controls for i in rule.with_ids}
    if not take_all and not included:
        raise CatalogFormatError("the profile includes no controls (no include-controls ids)")
    return Selection(profile.metadata.title, None if take_all else frozenset(included),
                     frozenset(excluded))


def _check_selection(walker: _Walker, selection: Selection | None) -> None:
    if selection is None or selection.include is None:
        return
    missing = sorted(selection.include - walker.seen)
    if missing:
        shown = ", ".join(missing[:5]) + (" ..." if len(missing) > 5 else "")
        raise CatalogFormatError(
            f"the profile selects {len(missing)} control(s) this catalog does not hold ({shown}); "
            "is it the catalog the profile was made for?")


def oscal_catalog(
    data: dict[str, Any], file_name: str, profile: dict[str, Any] | None = None
) -> Catalog:
    """A framework catalog from a parsed OSCAL catalog, narrowed by a parsed OSCAL profile."""
    document = OscalDocument.model_validate(data).catalog
    selection = profile_selection(profile) if profile is not None else None
    profile_title = selection.title if selection else None
    walker = _Walker(selection)
    for group in document.groups:
        walker.group(group, None, None)
    for control in document.controls:
        walker.control(control, None, None, {})
    _check_selection(walker, selection)
    if not walker.nodes:
        raise CatalogFormatError("the catalog holds no groups or current controls")
    metadata = document.metadata
    name = profile_title or metadata.title
    revision = sp800_53_revision(metadata.title)
    if revision == KNOWN_SP800_53_REVISION:
        selected = sum(node.may_assess for node in walker.nodes)
        info = imported_info(sp800_53_id(revision, profile_title), name, metadata.version,
                             "NIST", file_name, sp800_53_facts(profile_title, selected))
    else:
        publisher = next((p.name for p in metadata.parties if p.name), "unknown")
        info = imported_info(slugify(name), name, metadata.version, publisher, file_name)
    return Catalog(framework=info, requirements=build_requirements(walker.nodes))
