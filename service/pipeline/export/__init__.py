"""Exports of an assessment: xlsx, csv, json, pdf, soa and oscal, all from one document."""

from __future__ import annotations

from pathlib import Path

from service.components.catalog import CatalogRegistry
from service.components.exporters.oscal import render_oscal
from service.components.exporters.pdf import render_pdf
from service.components.exporters.soa import render_soa_xlsx
from service.components.exporters.xlsx import render_xlsx
from service.domain.export import ExportDocument, ExportFormat
from service.pipeline.context import PipelineContext
from service.pipeline.export.document import build_export_document
from service.pipeline.export.flat import render_csv, render_json
from service.pipeline.export.soa import render_soa_csv, soa_facts, soa_rows

MEDIA_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
    "pdf": "application/pdf",
}


def file_kind(fmt: ExportFormat, soa_as_csv: bool = False) -> str:
    """The file type a format writes: ``soa`` is xlsx, or csv when asked."""
    if fmt == ExportFormat.SOA:
        return "csv" if soa_as_csv else "xlsx"
    return "json" if fmt == ExportFormat.OSCAL else fmt.value


def render(document: ExportDocument, fmt: ExportFormat, soa_as_csv: bool = False) -> bytes:
    """The bytes of one export of ``document``."""
    match fmt:
        case ExportFormat.CSV:
            return render_csv(document)
        case ExportFormat.JSON:
            return render_json(document)
        case ExportFormat.XLSX:
            return render_xlsx(document)
        case ExportFormat.PDF:
            return render_pdf(document)
        case ExportFormat.OSCAL:
            return render_oscal(document)
        case ExportFormat.SOA:
            if soa_as_csv:
                return render_soa_csv(document)
            return render_soa_xlsx(soa_rows(document), soa_facts(document))


def export_assessment(
    context: PipelineContext, registry: CatalogRegistry, assessment_id: str, workspace: str,
    fmt: ExportFormat, soa_as_csv: bool = False,
) -> bytes:
    """One export of an assessment of ``workspace``; NotFoundError if it is not there."""
    document = build_export_document(context, registry, assessment_id, workspace)
    return render(document, fmt, soa_as_csv)


def write_export(
    context: PipelineContext, registry: CatalogRegistry, assessment_id: str, workspace: str,
    fmt: ExportFormat, out: Path,
) -> int:
    """Write the export to ``out`` (SoA as csv when ``out`` ends in .csv); returns its size."""
    data = export_assessment(context, registry, assessment_id, workspace, fmt,
                             soa_as_csv=out.suffix.lower() == ".csv")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(data)
    return len(data)
