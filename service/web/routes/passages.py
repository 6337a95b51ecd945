"""A cited passage shown whole, with the quoted sentence marked, and a link to its file."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from service.errors import NotFoundError
from service.web.deps import AccessDep, ServicesDep
from service.web.errors import WebRoute
from service.web.highlight import highlight
from service.web.passages import page_image_url
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
    url = f"/w/{access.workspace}/documents/{quote(chunk.document_id, safe='')}/original"
    return page(request, "passage.html", {
        "access": access, "visitor": access.visitor, "chunk": chunk,
        "segments": highlight(chunk.text, [quote_text] if quote_text else []),
        "original_url": url + (f"#page={chunk.page}" if chunk.page else ""),
        "page_image_url": page_image_url(access.workspace, chunk),
    })
