"""A passage by chunk id, as proposals cite it: its text and the version of its document."""

from __future__ import annotations

from fastapi import APIRouter

from service.api.deps import ContextDep, ViewerSlug
from service.api.errors import error_responses
from service.api.ingest_upload import version_public
from service.api.schemas.documents import PassagePublic
from service.pipeline.documents import read_passage

router = APIRouter(prefix="/workspaces/{slug}/passages", tags=["documents"])


@router.get("/{chunk_id}", responses=error_responses(401, 404, 422))
def get_passage(slug: ViewerSlug, chunk_id: str, context: ContextDep) -> PassagePublic:
    """A cited passage, also of a replaced or deleted document that reviewed proposals cite.

    ``version.note`` says "superseded on DATE by version N" for such a kept version, and
    ``version.original`` downloads the original that the reviewer saw.
    """
    chunk, version = read_passage(context, slug, chunk_id)
    return PassagePublic(chunk_id=chunk.chunk_id, text=chunk.text, page=chunk.page,
                         heading=chunk.heading, version=version_public(slug, version))
