"""Ingest a large upload as a background job; the file waits under ``<data dir>/uploads``.

The job's params name the file, so any process sharing the data dir can run it; a run
again after a crash ingests the same file, which the content hash makes harmless.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from service.domain.jobs import JobControl, JobHandler, JobParams
from service.errors import InvalidInputError, RejectedFileError
from service.pipeline.context import PipelineContext
from service.pipeline.ingest import Ingestor
from service.pipeline.ingest_stages import validate
from service.pipeline.upload import UPLOADS

KIND = "ingest"


def upload_params(slug: str, actor: str, path: Path, name: str) -> JobParams:
    """The JSON params of an ingest job of a received file."""
    return {"workspace": slug, "actor": actor, "path": str(path), "name": name}


def ingest_upload(context: PipelineContext, params: JobParams, control: JobControl) -> str:
    """Ingest the uploaded file; the job's result is the document id."""
    uploads = (context.settings.data_dir / UPLOADS).resolve()
    path, name = Path(params["path"]).resolve(), str(params["name"])
    if not path.is_relative_to(uploads) or not path.is_file():
        raise InvalidInputError(f"{name}: the uploaded file is no longer there; upload it again")
    control.progress(0.0, name)
    try:
        validate(path, context.settings.ingest)
        outcome = Ingestor(context, str(params["workspace"]), str(params["actor"])).ingest(
            path, name)
        if outcome.status == "rejected" or outcome.document_id is None:
            raise RejectedFileError(f"{name}: {outcome.error}")
    except RejectedFileError as error:
        shutil.rmtree(path.parent, ignore_errors=True)
        message = error.message if error.message.startswith(name) else f"{name}: {error.message}"
        raise type(error)(message) from None
    # kept until ingested: a job run again after a crash finds the file
    shutil.rmtree(path.parent, ignore_errors=True)
    return outcome.document_id


def upload_handler(context: PipelineContext) -> JobHandler:
    """The handler of ingest jobs in a process with this context."""

    def handle(params: JobParams, control: JobControl) -> str:
        return ingest_upload(context, params, control)

    return handle
