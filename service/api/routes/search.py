"""Semantic search and evidence retrieval, scoped to one workspace."""

from __future__ import annotations

from dataclasses import replace
from typing import Annotated, Any

from fastapi import APIRouter, Query

from service.api.deps import ServicesDep, ViewerSlug
from service.api.errors import error_responses
from service.api.schemas.search import (
    EvidencePublic,
    RequirementRef,
    RetrievalPublic,
    RetrieveCreate,
    RetrieveResults,
    SearchCreate,
    SearchHitPublic,
    SearchResults,
)
from service.domain.evidence import Chunk
from service.errors import InvalidInputError
from service.pipeline.assess import select_requirements
from service.pipeline.retrieve import Retriever
from service.pipeline.scoring_setup import retrieval_params
from service.pipeline.search import MAX_K, search

router = APIRouter(prefix="/workspaces/{slug}", tags=["search"])
ERRORS = error_responses(401, 404, 422)


def ocr_fields(chunk: Chunk) -> dict[str, Any]:
    """Whether a chunk was read by OCR, and how confidently."""
    return {"ocr": chunk.ocr, "ocr_confidence": chunk.ocr_confidence, "ocr_low": chunk.ocr_low}


def _search(services: ServicesDep, slug: str, text: str, k: int) -> SearchResults:
    hits = search(services.context, slug, text, k)
    return SearchResults(results=[
        SearchHitPublic(chunk_id=h.chunk.chunk_id, document=h.chunk.document, page=h.chunk.page,
                        heading=h.chunk.heading, score=round(h.score, 4), text=h.chunk.text,
                        **ocr_fields(h.chunk))
        for h in hits
    ])


@router.get("/search", responses=ERRORS)
def search_get(
    slug: ViewerSlug, services: ServicesDep,
    q: Annotated[str, Query(min_length=1, max_length=2000, description="What to look for.")],
    k: Annotated[int, Query(ge=1, le=MAX_K)] = 5,
) -> SearchResults:
    """The ``k`` chunks of the workspace nearest to ``q``, best first."""
    return _search(services, slug, q, k)


@router.post("/search", responses=ERRORS)
def search_post(slug: ViewerSlug, services: ServicesDep, body: SearchCreate) -> SearchResults:
    """The same search, with the text in a JSON body."""
    return _search(services, slug, body.text, body.k)


@router.post("/retrieve", responses=ERRORS)
def retrieve(slug: ViewerSlug, services: ServicesDep, body: RetrieveCreate) -> RetrieveResults:
    """The evidence above the relevance floor for each requirement named (or ``all``).

    Where fewer than ``k`` chunks reach the floor, the nearest others follow, marked
    ``below_floor`` (related, not evidence).
    """
    refs = tuple(r.strip() for r in body.requirements if r.strip())
    if bool(refs) == body.all:
        raise InvalidInputError("give some requirements or all=true, not both")
    context = services.context
    requirements = select_requirements(services.registry, body.framework, refs)
    params = replace(retrieval_params(context.settings.scoring), k=body.k)
    retriever = Retriever(context, slug, params)
    retriever.prepare(requirements)
    return RetrieveResults(results=[
        RetrievalPublic(
            requirement=RequirementRef(ref_id=r.ref_id, title=r.title),
            evidence=[
                EvidencePublic(chunk_id=e.chunk.chunk_id, document=e.chunk.document,
                               page=e.chunk.page, heading=e.chunk.heading, kind=e.chunk.kind,
                               score=round(e.score, 4), text=e.chunk.text,
                               below_floor=e.below_floor, **ocr_fields(e.chunk))
                for e in retriever.retrieve(r)
            ],
        )
        for r in requirements
    ])
