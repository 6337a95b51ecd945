"""The page image of a scanned passage, so a reviewer can check what OCR read.

Rendered from the stored original (a PDF page or an image frame) in the bounded parser
worker, then cached in ``<data dir>/cache/pages`` by the original's content hash and the
page, so a page is rendered once however many passages and documents share it. The
document is looked up in the workspace first: a page is only ever served to someone who
may see the document.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from service.components.parsers.page_image import render_page_bounded
from service.domain.evidence import DocumentType
from service.errors import NotFoundError
from service.pipeline.context import PipelineContext
from service.pipeline.documents import find_document, original_path
from service.pipeline.ingest_stages import parse_limits
from service.pipeline.originals import page_cache

PAGE_IMAGE_SIDE = 1400
PAGED = {DocumentType.PDF.value, DocumentType.IMAGE.value}


def page_image(context: PipelineContext, workspace: str, document_id: str, page: int) -> Path:
    """A PNG of ``page`` (1-based) of a workspace's PDF or image; NotFoundError otherwise."""
    document = find_document(context, workspace, document_id)
    if document.doc_type not in PAGED or not 1 <= page <= (document.pages or 1):
        raise NotFoundError(f"document '{document_id}' has no page image {page}")
    cached = page_cache(context) / f"{document.sha256}-{page}-{PAGE_IMAGE_SIDE}.png"
    if cached.is_file():
        return cached
    png = render_page_bounded(original_path(context, document), DocumentType(document.doc_type),
                              page, PAGE_IMAGE_SIDE, parse_limits(context.settings.ingest))
    cached.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=cached.parent, prefix=".rendering-")
    with os.fdopen(handle, "wb") as out:
        out.write(png)
    os.replace(temporary, cached)
    return cached
