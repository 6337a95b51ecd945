"""The onnx-int8 embedding backend: exported from the real local model, close to fp32."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from pydantic import ValidationError

from service.components.embedding import LocalEmbedder, build_embedder
from service.components.embedding.onnx_export import CONFIG_FILE, ensure_export, export_path
from service.settings import DEFAULT_EMBEDDING_MODEL, EmbeddingSettings

TEXTS = [
    "Access rights to information systems are reviewed every quarter by the system owner.",
    "Backups are encrypted and restored in a test once a year.",
    "The cafeteria serves lunch between noon and two.",
    "Suppliers sign a non-disclosure agreement before they receive confidential data.",
    "  Passwords   are at least fourteen characters long.  ",
]


@pytest.fixture(scope="module")
def export_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh export of the default model, made once for this module, over a killed one."""
    root = tmp_path_factory.mktemp("exports")
    partial = export_path(DEFAULT_EMBEDDING_MODEL, root)
    partial.mkdir()
    (partial / "model_qint8.onnx").write_bytes(b"half")  # an export killed before its config
    ensure_export(DEFAULT_EMBEDDING_MODEL, root)
    return root


def test_int8_vectors_are_unit_length_and_close_to_full_precision(
    export_dir: Path, real_embedder: LocalEmbedder
) -> None:
    int8 = LocalEmbedder(batch_size=2, backend="onnx-int8", export_dir=export_dir)
    quantized = np.asarray(int8.embed(TEXTS))
    full = np.asarray(real_embedder.embed(TEXTS))
    assert int8.dimension == real_embedder.dimension == quantized.shape[1]
    assert np.allclose(np.linalg.norm(quantized, axis=1), 1.0, atol=1e-5)
    assert (quantized * full).sum(axis=1).min() > 0.98  # measured ~0.993 on the samples
    query = np.asarray(int8.embed(["periodic review of user access rights"]))[0]
    assert int((quantized @ query).argmax()) == 0


def test_a_vector_moves_a_little_with_its_batch(export_dir: Path) -> None:
    """Activations are quantized per batch, so a text's vector depends on its companions."""
    one = LocalEmbedder(batch_size=1, backend="onnx-int8", export_dir=export_dir)
    many = LocalEmbedder(batch_size=64, backend="onnx-int8", export_dir=export_dir)
    alone, together = np.asarray(one.embed(TEXTS)), np.asarray(many.embed(TEXTS))
    assert (alone * together).sum(axis=1).min() > 0.98
    assert np.allclose(np.asarray(many.embed(TEXTS)), together)  # same batch, same vectors


def test_a_partial_export_is_rebuilt_and_a_finished_one_reused(export_dir: Path) -> None:
    folder = export_path(DEFAULT_EMBEDDING_MODEL, export_dir)
    assert (folder / "model_qint8.onnx").stat().st_size > 1_000_000  # not the killed one's
    stamp = (folder / CONFIG_FILE).stat().st_mtime_ns
    assert ensure_export(DEFAULT_EMBEDDING_MODEL, export_dir) == folder
    assert (folder / CONFIG_FILE).stat().st_mtime_ns == stamp
    assert [p.name for p in export_dir.iterdir() if p.name.startswith(".export-")] == []


def test_the_backend_is_a_typed_setting(tmp_path: Path) -> None:
    embedder = build_embedder(EmbeddingSettings(backend="onnx-int8", export_dir=tmp_path))
    assert isinstance(embedder, LocalEmbedder)
    assert embedder.backend == "onnx-int8"
    assert EmbeddingSettings().backend == "torch"
    with pytest.raises(ValidationError):
        EmbeddingSettings(backend="tensorrt")
