"""The data dir's shared originals (by content hash) and the page images cached from them."""

from __future__ import annotations

from pathlib import Path

from service.db.documents import count_references
from service.pipeline.context import PipelineContext
from service.pipeline.ingest_stages import originals_lock

ORIGINALS = "originals"


def originals_dir(context: PipelineContext) -> Path:
    """Where the originals are kept, named by content hash."""
    return context.settings.data_dir / ORIGINALS


def page_cache(context: PipelineContext) -> Path:
    """Where the page images of scans are kept (``page_images``), named by content hash."""
    return context.settings.data_dir / "cache" / "pages"


def drop_original(context: PipelineContext, stored_path: str, content_hash: str) -> bool:
    """Unlink an original, and its cached page images, if no document or kept version uses it.

    Counted under the originals lock, which ingests hold from writing an original to
    committing the row that refers to it; True if it was removed.
    """
    originals = originals_dir(context)
    with originals_lock(originals), context.sessions() as session:
        if count_references(session, stored_path) > 0:
            return False
        (originals / stored_path).unlink(missing_ok=True)
        for cached in page_cache(context).glob(f"{content_hash}-*.png"):
            cached.unlink(missing_ok=True)
    return True
