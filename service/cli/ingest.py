"""`assay ingest`, `assay search` and `assay documents`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from service.cli.access import cli_actor
from service.cli.options import JsonOpt, WorkspaceOpt, open_context
from service.cli.output import EXIT_FAILED, emit_json, stderr, stdout, with_errors
from service.pipeline.documents import (
    delete_document,
    document_versions,
    workspace_documents,
)
from service.pipeline.ingest import Ingestor, IngestOutcome, expand_paths
from service.pipeline.ingest_reconcile import reconcile
from service.pipeline.originals import originals_dir
from service.pipeline.search import search as search_chunks

app = typer.Typer()


def _outcome_json(outcome: IngestOutcome) -> dict[str, object]:
    return {
        "id": outcome.document_id,
        "path": outcome.path,
        "document": outcome.document,
        "status": outcome.status,
        "chunks": outcome.chunks,
        "error": outcome.error,
    }


def _print_outcomes(outcomes: list[IngestOutcome]) -> None:
    table = Table("document", "status", "chunks", "error")
    for o in outcomes:
        style = {"indexed": "green", "unchanged": "dim", "rejected": "red"}[o.status]
        table.add_row(o.document, f"[{style}]{o.status}[/]", str(o.chunks), o.error or "")
    stdout.print(table)
    counts = {s: sum(o.status == s for o in outcomes) for s in ("indexed", "unchanged", "rejected")}
    stdout.print(", ".join(f"{n} {s}" for s, n in counts.items()))


@app.command()
@with_errors
def ingest(
    paths: Annotated[list[Path], typer.Argument(help="Files or folders (recursive).")],
    workspace: WorkspaceOpt = "default",
    json_out: JsonOpt = False,
) -> None:
    """Parse, chunk, embed and index documents into a workspace."""
    context = open_context(workspace, writes=True)
    reconcile(context)  # what an ingest killed earlier left behind
    files = list(expand_paths(paths))
    ingestor = Ingestor(context, workspace, cli_actor())
    outcomes: list[IngestOutcome] = []
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
               TimeRemainingColumn())
    with Progress(*columns, console=stderr, transient=True) as progress:
        task = progress.add_task("ingesting", total=len(files))
        for outcome in ingestor.ingest_all(files):  # files are embedded in groups
            if outcome.status == "rejected":
                progress.console.print(f"[red]rejected[/] {outcome.document}: {outcome.error}",
                                       highlight=False)
            outcomes.append(outcome)
            progress.update(task, advance=1, description=f"ingested {outcome.document[-40:]}")
    if json_out:
        emit_json({"documents": [_outcome_json(o) for o in outcomes]})
    else:
        _print_outcomes(outcomes)
    if any(o.status == "rejected" for o in outcomes):
        raise typer.Exit(EXIT_FAILED)


@app.command()
@with_errors
def search(
    text: Annotated[str, typer.Argument(help="What to look for.")],
    workspace: WorkspaceOpt = "default",
    k: Annotated[int, typer.Option("-k", help="How many results.")] = 5,
    json_out: JsonOpt = False,
) -> None:
    """Semantic search over the workspace's documents."""
    hits = search_chunks(open_context(workspace), workspace, text, k)
    results = [
        {
            "chunk_id": h.chunk.chunk_id,
            "document": h.chunk.document,
            "page": h.chunk.page,
            "heading": h.chunk.heading,
            "score": round(h.score, 4),
            "text": h.chunk.text,
            "ocr": h.chunk.ocr,
            "ocr_confidence": h.chunk.ocr_confidence,
            "ocr_low": h.chunk.ocr_low,
        }
        for h in hits
    ]
    if json_out:
        emit_json({"results": results})
        return
    for rank, r in enumerate(results, start=1):
        where = " · ".join(str(x) for x in (r["document"], r["page"] and f"p. {r['page']}",
                                            r["heading"]) if x)
        read = "" if r["ocr_confidence"] is None else (
            f", OCR {r['ocr_confidence']:.0f}%{' low confidence' if r['ocr_low'] else ''}")
        stdout.print(f"[bold]{rank}. {where}[/] (score {r['score']:.3f}{read})", highlight=False)
        stdout.print(str(r["text"])[:400], highlight=False, markup=False)
        stdout.print()


documents = typer.Typer(help="List and delete ingested documents.")
app.add_typer(documents, name="documents")


@documents.command("list")
@with_errors
def list_command(workspace: WorkspaceOpt = "default", json_out: JsonOpt = False) -> None:
    """The workspace's documents."""
    rows = [
        {"id": d.id, "document": d.name, "type": d.doc_type, "pages": d.pages,
         "chunks": d.chunks, "size": d.size_bytes, "sha256": d.sha256}
        for d in workspace_documents(open_context(workspace), workspace)
    ]
    if json_out:
        emit_json({"documents": rows})
        return
    table = Table("id", "document", "type", "pages", "chunks")
    for r in rows:
        table.add_row(str(r["id"]), str(r["document"]), str(r["type"]), str(r["pages"] or ""),
                      str(r["chunks"]))
    stdout.print(table)


@documents.command("versions")
@with_errors
def versions_command(
    document_id: Annotated[str, typer.Argument(help="The document's id.")],
    workspace: WorkspaceOpt = "default",
    json_out: JsonOpt = False,
) -> None:
    """The versions kept because reviewed or signed proposals cite them, then the current one."""
    context = open_context(workspace)
    rows = [
        {"version": v.version, "state": v.state, "note": v.note, "document": v.name,
         "sha256": v.sha256, "chunks": v.chunks,
         "original": str(originals_dir(context) / v.stored_path)}
        for v in document_versions(context, workspace, document_id)
    ]
    if json_out:
        emit_json({"document_id": document_id, "versions": rows})
        return
    table = Table("version", "state", "document", "sha256", "original")
    for r in rows:
        table.add_row(str(r["version"]), str(r["note"] or r["state"]), str(r["document"]),
                      str(r["sha256"])[:12], str(r["original"]))
    stdout.print(table)


@documents.command("delete")
@with_errors
def delete_command(
    document_id: Annotated[str, typer.Argument(help="The document's id.")],
    workspace: WorkspaceOpt = "default",
) -> None:
    """Delete a document, its chunks, and its stored original."""
    delete_document(open_context(workspace, writes=True), workspace, document_id, cli_actor())
    stderr.print(f"deleted {document_id}")
