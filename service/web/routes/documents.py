"""Documents: the list, uploads (one file per request, so each has its own progress), delete."""

from __future__ import annotations

import shutil
from pathlib import PurePath
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi import Path as PathParam
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse
from starlette.concurrency import run_in_threadpool

from service.domain.access import Role
from service.domain.document import DocumentInfo, DocumentVersion
from service.pipeline.documents import (
    delete_document,
    document_version,
    find_document,
    original_path,
    workspace_documents,
)
from service.pipeline.ingest import Ingestor
from service.pipeline.page_images import page_image
from service.pipeline.upload import receive_upload, upload_folder
from service.web.deps import AccessDep, ChangeDep, ServicesDep
from service.web.errors import WebRoute
from service.web.render import page

router = APIRouter(route_class=WebRoute)
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


@router.post("/w/{workspace}/documents/upload", include_in_schema=False)
async def upload(request: Request, access: ChangeDep, svc: ServicesDep) -> JSONResponse:
    """Ingest one uploaded file; the answer says, in plain words, what became of it.

    The API's upload path: the body is streamed to disk with the same size limit and the
    file keeps the same safe name (the CSRF token comes in a header, the body unread).
    """
    access.require(Role.ASSESSOR)
    settings = svc.context.settings
    folder = upload_folder(settings.data_dir, access.user.name, settings.api.max_pending_uploads)
    received = await receive_upload(request, folder, settings.ingest.max_file_bytes)
    try:
        outcome = await run_in_threadpool(
            Ingestor(svc.context, access.workspace, access.user.name).ingest,
            received.path, received.name)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    body = {"document": outcome.document, "status": outcome.status, "chunks": outcome.chunks,
            "error": outcome.error, "id": outcome.document_id}
    return JSONResponse(body, status_code=422 if outcome.status == "rejected" else 200)


@router.get("/w/{workspace}/documents/{document_id}/original", include_in_schema=False)
def original(
    document_id: str, access: AccessDep, svc: ServicesDep,
    version: Annotated[int | None, Query(ge=1, le=1_000_000)] = None,
) -> FileResponse:
    """The original file as it was uploaded; ``version``: a kept (superseded) version's."""
    document: DocumentInfo | DocumentVersion = (
        find_document(svc.context, access.workspace, document_id) if version is None
        else document_version(svc.context, access.workspace, document_id, version))
    media_type, disposition = OPEN_AS.get(document.doc_type, DOWNLOAD)
    return FileResponse(original_path(svc.context, document), media_type=media_type,
                        filename=PurePath(document.name).name,
                        content_disposition_type=disposition)


@router.get("/w/{workspace}/documents/{document_id}/pages/{page}", include_in_schema=False)
def page_png(document_id: str, page: Annotated[int, PathParam(ge=1, le=100_000)],
             access: AccessDep, svc: ServicesDep) -> FileResponse:
    """A page of a scanned document as an image, to check what OCR read from it."""
    return FileResponse(page_image(svc.context, access.workspace, document_id, page),
                        media_type="image/png",
                        headers={"Cache-Control": "private, max-age=3600"})


@router.post("/w/{workspace}/documents/{document_id}/delete", include_in_schema=False)
def delete(document_id: str, access: ChangeDep, svc: ServicesDep) -> RedirectResponse:
    """Delete a document with its chunks and original, then show the list again."""
    access.require(Role.ASSESSOR)
    delete_document(svc.context, access.workspace, document_id, access.user.name)
    return RedirectResponse(f"/w/{access.workspace}/documents", status_code=303)
