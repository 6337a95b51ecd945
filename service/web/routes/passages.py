"""A cited passage shown whole, with the quoted sentence marked, and a link to its file."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from service.errors import NotFoundError
from service.pipeline.documents import cited_versions
from service.web.deps import AccessDep, ServicesDep
from service.web.errors import WebRoute
from service.web.highlight import highlight
from service.web.passages import passage_source
from service.web.render import page

router = APIRouter(route_class=WebRoute)


@router.get("/w/{workspace}/passages/{chunk_id}", include_in_schema=False)
def passage_page(
    request: Request, chunk_id: str, access: AccessDep, svc: ServicesDep,
    quote_text: Annotated[str, Query(alias="quote", max_length=2000)] = "",
) -> HTMLResponse:
    """The passage of the workspace with this id."""
    found = svc.context.store.chunks(access.workspace, [chunk_id])
    if not found:
        raise NotFoundError("That passage is no longer in this workspace: its document was "
                            "deleted or replaced.")
    chunk = found[0]
    kept = cited_versions(svc.context, access.workspace, [chunk.chunk_id]).get(chunk.chunk_id)
    source = passage_source(access.workspace, chunk, kept)
    return page(request, "passage.html", {
        "access": access, "visitor": access.visitor, "chunk": chunk,
        "segments": highlight(chunk.text, [quote_text] if quote_text else []),
        "original_url": source.original_url, "page_image_url": source.page_image_url,
        "version_note": source.version_note,
    })
