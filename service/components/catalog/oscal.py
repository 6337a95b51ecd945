"""Import an OSCAL catalog (JSON, as NIST publishes SP 800-53 rev5) as a framework catalog.

Groups become parent nodes and enhancements children of their control. A control's ref_id is
its label (``AC-7``) and its OSCAL id (``ac-7``) an alias. Withdrawn controls are skipped.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from service.components.catalog.imported import (
    ImportedNode,
    build_requirements,
    clean,
    imported_info,
    slugify,
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
    """The choices of a selection parameter."""

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
            choices = [_fill(c, texts) for c in (param.select.choice if param.select else ())]
            texts[param.id] = f"[selection: {'; '.join(choices)}]" if choices else (
                f"[assignment: {param.id}]")
    return texts


def _flatten(part: OscalPart, params: dict[str, str], with_label: bool = True) -> str:
    label = _prop(part.props, "label") if with_label else None
    pieces = [label or "", _fill(part.prose, params)]
    pieces += [_flatten(item, params) for item in part.parts if item.name == "item"]
    return clean(" ".join(pieces))


class _Walker:
    def __init__(self) -> None:
        self.nodes: list[ImportedNode] = []

    def group(self, group: OscalGroup, parent: str | None, theme: str | None) -> None:
        ref_id = _prop(group.props, "label") or group.id or slugify(group.title)
        theme = theme or group.title
        self.nodes.append(ImportedNode(ref_id, parent, group.title, theme, "", may_assess=False))
        for sub_group in group.groups:
            self.group(sub_group, ref_id, theme)
        for control in group.controls:
            self.control(control, ref_id, theme, {})

    def control(
        self, control: OscalControl, parent: str | None, theme: str | None,
        inherited: dict[str, str],
    ) -> None:
        if (_prop(control.props, "status") or "").casefold() == "withdrawn":
            return
        params = _param_texts(control.params, inherited)
        ref_id = _prop(control.props, "label") or control.id
        statement = next((p for p in control.parts if p.name == "statement"), None)
        text = _flatten(statement, params) if statement else ""
        items = [_flatten(i, params, with_label=False)
                 for i in (statement.parts if statement else ()) if i.name == "item"]
        aliases = (control.id,) if control.id != ref_id else ()
        self.nodes.append(ImportedNode(ref_id, parent, control.title, theme or control.title,
                                       text, items, aliases))
        for enhancement in control.controls:
            self.control(enhancement, ref_id, theme or control.title, params)


def oscal_catalog(data: dict[str, Any], file_name: str) -> Catalog:
    """A framework catalog from a parsed OSCAL catalog; pydantic errors name the bad field."""
    document = OscalDocument.model_validate(data).catalog
    walker = _Walker()
    for group in document.groups:
        walker.group(group, None, None)
    for control in document.controls:
        walker.control(control, None, None, {})
    if not walker.nodes:
        raise CatalogFormatError("the catalog holds no groups or current controls")
    metadata = document.metadata
    publisher = next((p.name for p in metadata.parties if p.name), "unknown")
    info = imported_info(slugify(metadata.title), metadata.title, metadata.version, publisher,
                         file_name)
    return Catalog(framework=info, requirements=build_requirements(walker.nodes))
