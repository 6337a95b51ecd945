"""Documents: upload (streamed, size-limited), list, get, download the original, delete."""

from __future__ import annotations

import shutil
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse, JSONResponse

from service.api.deps import AssessorSlug, ContextDep, CurrentUser, ServicesDep, ViewerSlug
from service.api.errors import error_responses
from service.api.ingest_upload import document_public, ingest_received, version_public
from service.api.schemas.documents import (
    UPLOAD_BODY,
    DocumentList,
    DocumentPublic,
    DocumentVersionList,
    UploadPublic,
)
from service.api.schemas.jobs import JobPublic
from service.domain.document import DocumentInfo, DocumentVersion
from service.pipeline.documents import (
    delete_document,
    document_version,
    document_versions,
    find_document,
    original_path,
    workspace_documents,
)
from service.pipeline.upload import receive_upload, upload_folder
from service.pipeline.upload_jobs import KIND as UPLOAD_JOB
from service.pipeline.upload_jobs import upload_params

router = APIRouter(prefix="/workspaces/{slug}/documents", tags=["documents"])


@router.post(
    "", status_code=201, response_model=UploadPublic, openapi_extra=UPLOAD_BODY,
    responses={202: {"model": JobPublic, "description": "A large upload, ingested as a job"},
               **error_responses(401, 403, 404, 413, 415, 422, 429)},
)
async def upload_document(
    slug: AssessorSlug, request: Request, services: ServicesDep, context: ContextDep,
    user: CurrentUser,
) -> UploadPublic | JSONResponse:
    """Upload a file (multipart field ``file``); a large one is ingested as a background job."""
    settings = services.settings
    folder = upload_folder(settings.data_dir, user.name, settings.api.max_pending_uploads)
    received = await receive_upload(request, folder, settings.ingest.max_file_bytes)
    if received.size > settings.api.background_upload_bytes:
        # the job outlives the request, maybe in another process: it names the file
        params = upload_params(slug, user.name, received.path, received.name)
        job_id = services.jobs.submit(UPLOAD_JOB, params, scope=slug)
        status = JobPublic.of(services.jobs.status(job_id))
        return JSONResponse(status.model_dump(mode="json"), status_code=202)
    try:
        return await run_in_threadpool(ingest_received, context, slug, user.name, received)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@router.get("", responses=error_responses(401, 404, 422))
def list_workspace_documents(slug: ViewerSlug, context: ContextDep) -> DocumentList:
    """The workspace's documents, by name."""
    documents = workspace_documents(context, slug)
    return DocumentList(documents=[document_public(document) for document in documents])


@router.get("/{document_id}", responses=error_responses(401, 404, 422))
def get_document(slug: ViewerSlug, document_id: str, context: ContextDep) -> DocumentPublic:
    """One document."""
    return document_public(find_document(context, slug, document_id))


@router.get("/{document_id}/versions", responses=error_responses(401, 404, 422))
def list_document_versions(
    slug: ViewerSlug, document_id: str, context: ContextDep
) -> DocumentVersionList:
    """The versions kept because reviewed or signed proposals cite them, then the current one.

    A replaced or deleted document's version is kept (out of search and new assessments)
    while a reviewed proposal, or one of a signed assessment, quotes it.
    """
    return DocumentVersionList(versions=[
        version_public(slug, v) for v in document_versions(context, slug, document_id)])


@router.get(
    "/{document_id}/original", response_class=FileResponse,
    responses={200: {"content": {"application/octet-stream": {}},
                     "description": "The uploaded bytes"}, **error_responses(401, 404, 422)},
)
def download_original(
    slug: ViewerSlug, document_id: str, context: ContextDep,
    version: Annotated[int | None, Query(ge=1, le=1_000_000,
                                         description="A kept version; default the current")]
    = None,
) -> FileResponse:
    """The original file as uploaded (of a kept, superseded or deleted, version if asked)."""
    document: DocumentInfo | DocumentVersion = (
        find_document(context, slug, document_id) if version is None
        else document_version(context, slug, document_id, version))
    return FileResponse(original_path(context, document),
                        filename=document.name.rsplit("/", 1)[-1],
                        media_type="application/octet-stream")


@router.delete("/{document_id}", status_code=204, response_class=Response,
               responses=error_responses(401, 403, 404, 422))
def remove_document(
    slug: AssessorSlug, document_id: str, context: ContextDep, user: CurrentUser
) -> None:
    """Delete a document, its chunks and (unless shared) its stored original."""
    delete_document(context, slug, document_id, actor=user.name)
