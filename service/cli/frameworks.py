"""`assay frameworks list|show|import|compare`: the framework catalogs."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table
from rich.tree import Tree

from service.cli.compare_view import print_comparison
from service.cli.options import JsonOpt, writable_settings
from service.cli.output import emit_json, stdout, with_errors
from service.composition import CatalogRegistry, build_registry, import_framework
from service.domain.catalog import Facet, Requirement
from service.pipeline.compare import compare_frameworks
from service.settings import get_settings

app = typer.Typer(help="List, show, import and compare framework catalogs.",
                  no_args_is_help=True)


def _tree_json(registry: CatalogRegistry, framework_id: str, parent: str | None) -> list[Any]:
    return [
        {"ref_id": node.ref_id, "title": node.shown_title, "assessable": node.assessable,
         "children": _tree_json(registry, framework_id, node.ref_id)}
        for node in registry.children(framework_id, parent)
    ]


def _add_branches(tree: Tree, registry: CatalogRegistry, framework_id: str,
                  parent: str | None) -> None:
    for node in registry.children(framework_id, parent):
        style = "bold" if node.assessable else "bold dim"
        branch = tree.add(f"[{style}]{escape(node.ref_id)}[/] {escape(node.shown_title)}")
        _add_branches(branch, registry, framework_id, node.ref_id)


def _requirement_json(registry: CatalogRegistry, framework_id: str,
                      node: Requirement) -> dict[str, Any]:
    return {
        "framework": framework_id,
        **node.model_dump(mode="json", include={
            "ref_id", "title", "title_is_label", "theme", "parent", "assessable", "summary",
            "facets", "typical_evidence", "aliases"}),
        "shown_title": node.shown_title,
        "children": [child.ref_id for child in registry.children(framework_id, node.ref_id)],
        "crosswalks": [
            {"framework": link.framework, "ref_id": link.ref_id, "title": link.title,
             "relationship": link.relationship.value}
            for link in registry.links(framework_id, node.ref_id)
        ],
    }


def _print_requirement(details: dict[str, Any]) -> None:
    stdout.print(f"[bold]{escape(details['ref_id'])}[/] {escape(details['shown_title'])}")
    stdout.print(f"[dim]{escape(details['framework'])} · {escape(details['theme'])}"
                 f"{'' if details['assessable'] else ' · not assessable'}[/]")
    if details["summary"]:
        stdout.print(details["summary"], markup=False)
    if details["facets"]:
        facets = Table("facet", "kind", "text", title="Facets")
        for facet in details["facets"]:
            shown = Facet.model_validate(facet).shown_text
            facets.add_row(facet["id"], facet["kind"], escape(shown))
        stdout.print(facets)
    for evidence in details["typical_evidence"]:
        stdout.print(f"• {evidence}", markup=False)
    if details["crosswalks"]:
        links = Table("framework", "ref", "title", "relationship", title="Crosswalks")
        for link in details["crosswalks"]:
            links.add_row(*(escape(str(link[key])) for key in
                            ("framework", "ref_id", "title", "relationship")))
        stdout.print(links)


@app.command("list")
@with_errors
def list_command(json_out: JsonOpt = False) -> None:
    """The built-in and imported frameworks."""
    registry = build_registry(get_settings())
    rows = [
        {"id": c.framework.id, "name": c.framework.name, "version": c.framework.version,
         "requirements": len(registry.assessable(c.framework.id)),
         "source": registry.source(c.framework.id)}
        for c in registry.frameworks()
    ]
    if json_out:
        emit_json({"frameworks": rows})
        return
    table = Table("id", "name", "version", "requirements", "source")
    for row in rows:
        table.add_row(*(escape(str(row[key])) for key in
                        ("id", "name", "version", "requirements", "source")))
    stdout.print(table)


@app.command()
@with_errors
def show(
    framework_id: Annotated[str, typer.Argument(metavar="ID", help="The framework's id.")],
    ref: Annotated[str | None, typer.Argument(
        metavar="REF", help="A requirement, e.g. A.5.15, 6.1.2, Art. 32.")] = None,
    json_out: JsonOpt = False,
) -> None:
    """A framework with its requirement tree, or one requirement in detail."""
    registry = build_registry(get_settings())
    catalog = registry.get(framework_id)
    framework_id = catalog.framework.id
    if ref is not None:
        details = _requirement_json(registry, framework_id, registry.requirement(framework_id, ref))
        if json_out:
            emit_json(details)
        else:
            _print_requirement(details)
        return
    if json_out:
        emit_json({
            **catalog.framework.model_dump(mode="json"),
            "source": registry.source(framework_id),
            "requirements": len(registry.assessable(framework_id)),
            "tree": _tree_json(registry, framework_id, None),
        })
        return
    tree = Tree(f"[bold]{escape(catalog.framework.name)}[/] ({framework_id}, "
                f"{len(registry.assessable(framework_id))} assessable requirements)")
    _add_branches(tree, registry, framework_id, None)
    stdout.print(tree)


@app.command("import")
@with_errors
def import_command(
    file: Annotated[Path, typer.Argument(
        exists=True, dir_okay=False, readable=True,
        help="An OSCAL catalog (JSON) or a CISO Assistant library (YAML).")],
    replace: Annotated[bool, typer.Option(
        "--replace", help="Overwrite an imported framework with the same id.")] = False,
    profile: Annotated[Path | None, typer.Option(
        "--profile", exists=True, dir_okay=False, readable=True,
        help="An OSCAL profile (JSON), such as an SP 800-53 baseline, that selects the "
             "catalog's controls to import.")] = None,
    json_out: JsonOpt = False,
) -> None:
    """Import a framework into the data dir."""
    settings = writable_settings()
    catalog = import_framework(file, build_registry(settings), settings.data_dir, replace,
                               profile)
    result = {"id": catalog.framework.id, "name": catalog.framework.name,
              "requirements": sum(node.assessable for node in catalog.requirements)}
    if json_out:
        emit_json(result)
    else:
        stdout.print(f"imported {result['id']} ({escape(str(result['name']))}): "
                     f"{result['requirements']} assessable requirements")


@app.command()
@with_errors
def compare(
    first_id: Annotated[str, typer.Argument(metavar="ID", help="The first framework's id.")],
    second_id: Annotated[str, typer.Argument(metavar="ID", help="The second framework's id.")],
    json_out: JsonOpt = False,
) -> None:
    """Two frameworks side by side: profiles and their direct crosswalk overlap."""
    comparison = compare_frameworks(build_registry(get_settings()), first_id, second_id)
    if json_out:
        emit_json(comparison.model_dump(mode="json"))
    else:
        print_comparison(comparison)
