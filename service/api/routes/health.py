"""`GET /health`: the only endpoint that answers without a token."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from fastapi import APIRouter

from service.api.schemas.common import HealthPublic

router = APIRouter(tags=["health"])


def _version() -> str:
    try:
        return version("assay")
    except PackageNotFoundError:
        return "unknown"


@router.get("/health")
def health() -> HealthPublic:
    """The service is up."""
    return HealthPublic(status="ok", version=_version())
