"""Exports as background jobs: the file is written under ``<data dir>/exports`` by a worker.

A PDF takes tens of seconds to lay out, so no request waits for it: a job builds the export
document, renders it and stores the file as ``exports/<assessment>/<format>-<file id>.<ext>``
(written whole, then renamed into place, so a job run again after a crash writes the same
file once). The job's result is that relative path; the download checks the job's
workspace, that the assessment is still there and that the path stays inside the folder.
Files older than ``jobs.export_retention_hours`` are swept.
"""

from __future__ import annotations

import os
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from service.components.catalog import CatalogRegistry
from service.domain.export import ExportFormat
from service.domain.jobs import JobControl, JobHandler, JobParams, JobRunner, JobState, JobStatus
from service.errors import InvalidInputError, NotFoundError
from service.pipeline.context import PipelineContext
from service.pipeline.export import MEDIA_TYPES, file_kind, render
from service.pipeline.export.document import build_export_document
from service.pipeline.review import open_assessment
from service.settings import Settings

KIND = "export"
EXPORTS = "exports"  # the data dir's folder of export files made by jobs


@dataclass(frozen=True)
class ExportFile:
    """A finished export on disk, with the name and type to download it as."""

    path: Path
    name: str
    media_type: str


def start_export_job(
    context: PipelineContext, jobs: JobRunner, assessment_id: str, workspace: str,
    fmt: ExportFormat, actor: str,
) -> str:
    """Check the assessment is there (and an SoA is of ISO 27001), then queue the export."""
    with context.sessions() as session:
        row = open_assessment(session, assessment_id, workspace)
        framework = row.framework_id
    if fmt == ExportFormat.SOA and not framework.startswith("iso27001"):
        raise InvalidInputError(
            f"a Statement of Applicability is for ISO 27001 assessments, not {framework}")
    params: JobParams = {"workspace": workspace, "assessment_id": assessment_id,
                         "format": fmt.value, "actor": actor, "file_id": uuid.uuid4().hex}
    return jobs.submit(KIND, params, scope=workspace)


def run_export(
    context: PipelineContext, registry: CatalogRegistry, params: JobParams, control: JobControl
) -> str:
    """Render the export and store it; returns its path relative to the exports folder."""
    fmt = ExportFormat(params["format"])
    assessment_id, workspace = str(params["assessment_id"]), str(params["workspace"])
    sweep_exports(context.settings)
    control.progress(5.0, "collecting the assessment")
    document = build_export_document(context, registry, assessment_id, workspace)
    control.progress(30.0, f"writing the {fmt.value} file")
    data = render(document, fmt)
    control.progress(95.0, "storing the file")
    relative = Path(assessment_id) / f"{fmt.value}-{params['file_id']}.{file_kind(fmt)}"
    target = _exports(context.settings) / relative
    partial = target.with_name(target.name + ".part")
    for _ in range(2):  # a sweep may remove an old, empty folder just before the write
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            partial.write_bytes(data)
            break
        except FileNotFoundError:
            continue
    os.replace(partial, target)
    return relative.as_posix()


def export_handler(context: PipelineContext, registry: CatalogRegistry) -> JobHandler:
    """The handler of export jobs in a process with these parts."""

    def handle(params: JobParams, control: JobControl) -> str:
        return run_export(context, registry, params, control)

    return handle


def export_file(context: PipelineContext, status: JobStatus) -> ExportFile:
    """The file a finished export job made, for its workspace's members to download.

    NotFoundError when the job is no export, is not done, its assessment is gone, or the
    file was swept (export again); the caller has checked the user may see the job.
    """
    if status.name != KIND or status.scope is None:
        raise NotFoundError(f"job '{status.id}' made no file")
    if status.state != JobState.DONE or not status.result:
        raise NotFoundError(f"job '{status.id}' has no file yet: it is {status.state.value}")
    relative = Path(status.result)
    folder = _exports(context.settings).resolve()
    path = (folder / relative).resolve()
    if len(relative.parts) != 2 or not path.is_relative_to(folder):
        raise NotFoundError(f"job '{status.id}' made no file")
    assessment_id = relative.parts[0]
    with context.sessions() as session:
        open_assessment(session, assessment_id, status.scope)
    if not path.is_file():
        raise NotFoundError(f"the file of job '{status.id}' was removed after "
                            f"{context.settings.jobs.export_retention_hours:g} hours; "
                            "export again")
    fmt, _, rest = path.name.partition("-")
    kind = rest.rsplit(".", 1)[-1]
    return ExportFile(path=path, name=f"assessment-{assessment_id}-{fmt}.{kind}",
                      media_type=MEDIA_TYPES[kind])


def sweep_exports(settings: Settings, now: float | None = None) -> int:
    """Remove the export files older than the retention period; returns how many."""
    folder = _exports(settings)
    if not folder.is_dir():
        return 0
    cutoff = (now or time.time()) - settings.jobs.export_retention_hours * 3600
    removed = 0
    for path in folder.glob("*/*"):
        try:
            if path.is_file() and path.stat().st_mtime < cutoff:
                path.unlink()
                removed += 1
        except FileNotFoundError:  # another process swept it first
            continue
    for empty in folder.iterdir():
        try:
            if empty.stat().st_mtime < cutoff:
                empty.rmdir()  # only succeeds for an empty folder
        except OSError:
            continue
    return removed


def _exports(settings: Settings) -> Path:
    return settings.data_dir / EXPORTS
