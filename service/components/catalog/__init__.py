"""Framework catalogs: loading, the registry, reference resolution and importers."""

from __future__ import annotations

from service.components.catalog.loader import (
    corpora_dir,
    load_builtin_corpus,
    load_imported_catalogs,
)
from service.components.catalog.registry import (
    CatalogRegistry,
    CrosswalkOrigin,
    FrameworkSource,
    LinkedRequirement,
)
from service.components.catalog.store import import_framework, read_import_file
from service.settings import Settings


def build_registry(settings: Settings) -> CatalogRegistry:
    """The built-in corpus (cached per process) plus the data dir's imported frameworks."""
    corpus = load_builtin_corpus(corpora_dir(settings.catalog))
    return CatalogRegistry(
        builtin=corpus.frameworks,
        imported=load_imported_catalogs(settings.data_dir),
        scales=corpus.scales,
        crosswalks=corpus.crosswalks,
        origins=corpus.origins,
    )


__all__ = [
    "CatalogRegistry",
    "CrosswalkOrigin",
    "FrameworkSource",
    "LinkedRequirement",
    "build_registry",
    "corpora_dir",
    "import_framework",
    "load_builtin_corpus",
    "read_import_file",
]
