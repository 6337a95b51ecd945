"""The executive report as PDF: HTML with a print stylesheet, rendered by WeasyPrint."""

from __future__ import annotations

from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup
from weasyprint import HTML

from service.components.exporters.chart import theme_chart
from service.domain.export import ExportDocument, source_text

TOP_GAPS = 15
_templates = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=select_autoescape(default=True), trim_blocks=True, lstrip_blocks=True,
)


def report_html(document: ExportDocument) -> str:
    """The report as HTML (uploaded text escaped): summary, chart, top gaps, requirements."""
    requirements = document.requirements
    return _templates.get_template("report.html").render(
        doc=document, report=document.report,
        chart=Markup(theme_chart(document.report.themes, max(document.level_labels))),
        reviewed=sum(r.status == "reviewed" for r in requirements),
        pending=sum(r.status != "reviewed" for r in requirements),
        top_gaps=document.gaps[:TOP_GAPS], source_text=source_text,
    )


def render_pdf(document: ExportDocument) -> bytes:
    """The report rendered to PDF bytes."""
    pdf: bytes = HTML(string=report_html(document)).write_pdf()
    return pdf
