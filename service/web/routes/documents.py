"""Documents: the list, uploads (one file per request, so each has its own progress), delete."""

from __future__ import annotations

import tempfile
from pathlib import Path, PurePath

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from service.domain.access import Role
from service.errors import FileTooLargeError, InvalidInputError
from service.pipeline.documents import (
    delete_document,
    find_document,
    original_path,
    workspace_documents,
)
from service.pipeline.ingest import Ingestor
from service.web.deps import AccessDep, ChangeDep, ServicesDep
from service.web.errors import WebRoute
from service.web.render import page

router = APIRouter(route_class=WebRoute)
FORM_OVERHEAD = 64 * 1024
COPY_CHUNK = 1024 * 1024
# PDFs open in the browser's viewer; text types are shown as plain text, never as a page of
# this site (an uploaded HTML file must not run here); office files are downloaded
PLAIN = ("text/plain; charset=utf-8", "inline")
DOWNLOAD = ("application/octet-stream", "attachment")
OPEN_AS = {"pdf": ("application/pdf", "inline"), "text": PLAIN, "markdown": PLAIN,
           "html": PLAIN, "csv": PLAIN}


@router.get("/w/{workspace}/documents", include_in_schema=False)
def documents_page(request: Request, access: AccessDep, svc: ServicesDep) -> HTMLResponse:
    """The workspace's documents and, for assessors, the upload area."""
    documents = workspace_documents(svc.context, access.workspace)
    template = "_documents_table.html" if request.headers.get("hx-request") else "documents.html"
    return page(request, template, {"access": access, "visitor": access.visitor,
                                    "documents": documents, "nav": "documents",
                                    "max_mb": svc.context.settings.ingest.max_file_bytes // 2**20})


def display_name(upload: UploadFile) -> str:
    """The file's own name, without any folder a browser may send."""
    name = PurePath((upload.filename or "").replace("\\", "/")).name.strip()
    if not name or name in {".", ".."}:
        raise InvalidInputError("the upload has no file name")
    return name


def _save(upload: UploadFile, folder: Path, limit: int) -> Path:
    target = folder / display_name(upload)
    written = 0
    with target.open("wb") as out:
        while chunk := upload.file.read(COPY_CHUNK):
            written += len(chunk)
            if written > limit:
                raise FileTooLargeError(
                    f"{display_name(upload)} is larger than the limit of {limit // 2**20} MB")
            out.write(chunk)
    return target


@router.post("/w/{workspace}/documents/upload", include_in_schema=False)
async def upload(request: Request, access: ChangeDep, svc: ServicesDep) -> JSONResponse:
    """Ingest one uploaded file; the answer says, in plain words, what became of it."""
    access.require(Role.ASSESSOR)
    limit = svc.context.settings.ingest.max_file_bytes
    if int(request.headers.get("content-length") or 0) > limit + FORM_OVERHEAD:
        raise FileTooLargeError(f"the file is larger than the limit of {limit // 2**20} MB")
    form = await request.form(max_files=1, max_fields=2)
    upload_file = form.get("file")
    if not isinstance(upload_file, UploadFile):
        raise InvalidInputError("choose a file to upload")
    outcome = await _ingest(svc, access.workspace, access.user.name, upload_file, limit)
    status = 422 if outcome["status"] == "rejected" else 200
    return JSONResponse(outcome, status_code=status)


async def _ingest(svc: ServicesDep, workspace: str, actor: str, upload_file: UploadFile,
                  limit: int) -> dict[str, object]:
    name = display_name(upload_file)

    def work() -> dict[str, object]:
        with tempfile.TemporaryDirectory(prefix="assay-upload-") as folder:
            saved = _save(upload_file, Path(folder), limit)
            outcome = Ingestor(svc.context, workspace, actor).ingest(saved, name)
        return {"document": outcome.document, "status": outcome.status,
                "chunks": outcome.chunks, "error": outcome.error, "id": outcome.document_id}

    return await run_in_threadpool(work)


@router.get("/w/{workspace}/documents/{document_id}/original", include_in_schema=False)
def original(document_id: str, access: AccessDep, svc: ServicesDep) -> FileResponse:
    """The original file as it was uploaded."""
    document = find_document(svc.context, access.workspace, document_id)
    media_type, disposition = OPEN_AS.get(document.doc_type, DOWNLOAD)
    return FileResponse(original_path(svc.context, document), media_type=media_type,
                        filename=PurePath(document.name).name,
                        content_disposition_type=disposition)


@router.post("/w/{workspace}/documents/{document_id}/delete", include_in_schema=False)
def delete(document_id: str, access: ChangeDep, svc: ServicesDep) -> RedirectResponse:
    """Delete a document with its chunks and original, then show the list again."""
    access.require(Role.ASSESSOR)
    delete_document(svc.context, access.workspace, document_id, access.user.name)
    return RedirectResponse(f"/w/{access.workspace}/documents", status_code=303)
