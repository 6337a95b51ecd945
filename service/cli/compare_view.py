"""Terminal rendering of `assay frameworks compare`: profiles, overlap lines, linked pairs."""

from __future__ import annotations

from rich.markup import escape
from rich.table import Table

from service.cli.output import stdout
from service.domain.comparison import DirectionalOverlap, FrameworkComparison, LinkedPair

PAIRS_PER_THEME = 4
LINKS_PER_PAIR = 3


def print_comparison(comparison: FrameworkComparison) -> None:
    """Print the profiles side by side, the overlap in both directions and the linked pairs."""
    first, second = comparison.frameworks
    table = Table("", escape(first.id), escape(second.id), show_lines=True,
                  title=f"{escape(first.name)} vs {escape(second.name)}")
    rows = [
        ("name", first.name, second.name),
        ("version", first.version, second.version),
        ("publisher", first.publisher, second.publisher),
        ("source", first.source, second.source),
        ("scope", first.profile.scope, second.profile.scope),
        ("industry", first.profile.industry, second.profile.industry),
        ("nature", first.profile.nature.value, second.profile.nature.value),
        ("conformity / testing", first.profile.conformity, second.profile.conformity),
        ("penalties", first.profile.penalties, second.profile.penalties),
        ("default scale", first.default_scale_name, second.default_scale_name),
        ("assessable requirements", str(first.requirements), str(second.requirements)),
    ]
    for label, left, right in rows:
        table.add_row(f"[bold]{label}[/]", escape(left), escape(right))
    stdout.print(table)
    for direction in comparison.overlap:
        stdout.print(_overlap_line(direction), highlight=False)
    stdout.print(f"[dim]{escape(comparison.note)}[/]")
    for direction in comparison.overlap:
        if direction.covered:
            stdout.print(_pairs_table(direction))


def _overlap_line(direction: DirectionalOverlap) -> str:
    counts = ", ".join(f"{count} {kind.value}" for kind, count in
                       direction.relationships.items() if count) or "no links"
    return (f"[bold]{escape(direction.source)} → {escape(direction.target)}[/]: "
            f"{direction.covered} of {direction.total} assessable requirements linked "
            f"({direction.share:.0%}); links: {counts}")


def _pairs_table(direction: DirectionalOverlap) -> Table:
    table = Table("theme", "ref", "title", f"linked in {escape(direction.target)}",
                  title=f"Linked requirements, {escape(direction.source)} → "
                        f"{escape(direction.target)}")
    for group in direction.pairs_by_theme:
        for pair in group.pairs[:PAIRS_PER_THEME]:
            table.add_row(escape(group.theme), escape(pair.ref_id), escape(pair.title),
                          _linked_cell(pair))
        hidden = len(group.pairs) - PAIRS_PER_THEME
        if hidden > 0:
            table.add_row(escape(group.theme), "", f"[dim]… {hidden} more[/]", "")
    truncated = any(len(group.pairs) > PAIRS_PER_THEME or
                    any(len(pair.links) > LINKS_PER_PAIR for pair in group.pairs)
                    for group in direction.pairs_by_theme)
    if truncated:
        table.caption = "truncated; --json lists every pair"
    return table


def _linked_cell(pair: LinkedPair) -> str:
    lines = [f"{escape(link.ref_id)} {escape(link.title)} [dim]({link.relationship.value})[/]"
             for link in pair.links[:LINKS_PER_PAIR]]
    hidden = len(pair.links) - LINKS_PER_PAIR
    if hidden > 0:
        lines.append(f"[dim]+{hidden} more[/]")
    return "\n".join(lines)
