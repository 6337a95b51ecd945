"""Read and validate catalog files: built-in frameworks, scales, crosswalks and imports."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from service.components.catalog.registry import CrosswalkOrigin
from service.components.shipped import shipped_dir
from service.domain.catalog import Catalog, Crosswalk, Scale, ScaleFile
from service.errors import CatalogFormatError
from service.settings import CatalogSettings

IMPORTED_DIR = "frameworks"
# libyaml's safe loader where PyYAML was built with it: ten times faster on the corpora
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
DEFAULT_CORPORA_DIR = shipped_dir("corpora")

ModelT = TypeVar("ModelT", bound=BaseModel)


@dataclass(frozen=True)
class BuiltinCorpus:
    """Everything shipped in ``corpora/``: frameworks, scales and crosswalks."""

    frameworks: tuple[Catalog, ...]
    scales: tuple[Scale, ...]
    crosswalks: tuple[Crosswalk, ...]
    origins: dict[tuple[str, str], CrosswalkOrigin] = field(default_factory=dict)


def corpora_dir(settings: CatalogSettings) -> Path:
    """The configured corpora directory, or the shipped ``corpora/``."""
    return settings.corpora_dir or DEFAULT_CORPORA_DIR


def imported_dir(data_dir: Path) -> Path:
    """Where imported frameworks are stored in the data dir."""
    return data_dir / IMPORTED_DIR


def format_validation_error(error: ValidationError) -> str:
    """The first few problems of a validation error, one line each."""
    problems = []
    for item in error.errors()[:5]:
        where = ".".join(str(part) for part in item["loc"])
        problems.append(f"{where}: {item['msg']}" if where else item["msg"])
    return "; ".join(problems)


def load_model_file(path: Path, model: type[ModelT]) -> ModelT:
    """Parse one YAML file into a model; any problem is a CatalogFormatError naming it."""
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=SAFE_LOADER)
        return model.model_validate(data)
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        raise CatalogFormatError(f"{path}: cannot read: {error}") from error
    except ValidationError as error:
        raise CatalogFormatError(f"{path}: {format_validation_error(error)}") from error


def _yaml_files(directory: Path) -> list[Path]:
    if not directory.is_dir():
        return []
    return sorted(p for p in directory.glob("*.yaml") if not p.name.startswith("_"))


@lru_cache(maxsize=4)
def load_builtin_corpus(directory: Path) -> BuiltinCorpus:
    """The corpora directory's contents, read once per process."""
    frameworks = tuple(load_model_file(p, Catalog) for p in _yaml_files(directory / "frameworks"))
    scales_file = directory / "scales.yaml"
    scales = load_model_file(scales_file, ScaleFile).scales if scales_file.is_file() else ()
    crosswalks: list[Crosswalk] = []
    origins: dict[tuple[str, str], CrosswalkOrigin] = {}
    for path in _yaml_files(directory / "crosswalks"):
        crosswalk = load_model_file(path, Crosswalk)
        crosswalks.append(crosswalk)
        origins[(crosswalk.source_framework, crosswalk.target_framework)] = crosswalk_origin(path)
    return BuiltinCorpus(frameworks=frameworks, scales=scales, crosswalks=tuple(crosswalks),
                         origins=origins)


def crosswalk_origin(path: Path) -> CrosswalkOrigin:
    """A crosswalk file's name and version: the first 12 hex digits of its SHA-256."""
    with path.open("rb") as handle:
        digest = hashlib.file_digest(handle, "sha256").hexdigest()
    return CrosswalkOrigin(file=path.name, version=digest[:12])


def load_imported_catalogs(data_dir: Path) -> tuple[Catalog, ...]:
    """The frameworks imported into a data dir, read afresh on every call."""
    return tuple(load_model_file(p, Catalog) for p in _yaml_files(imported_dir(data_dir)))
