"""Runs an ``onnx_export`` folder with onnxruntime, the way sentence-transformers encodes.

As sentence-transformers does: texts stripped, sorted by length so a batch pads little,
tokenized with truncation at the model's max sequence length, mean-pooled over the tokens
the attention mask keeps, then normalised (as ``Embedder`` promises, whatever the model).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from service.components.embedding.onnx_export import CONFIG_FILE, QUANTIZED_FILE


class OnnxEncoder:
    """One onnxruntime session on the int8 model, with the model's own tokenizer."""

    def __init__(self, folder: Path) -> None:
        import onnxruntime
        from transformers import AutoTokenizer

        config = json.loads((folder / CONFIG_FILE).read_text())
        self._inputs: list[str] = config["inputs"]
        self._max_length = int(config["max_seq_length"])
        self.dimension = int(config["dimension"])
        self._tokenizer = AutoTokenizer.from_pretrained(str(folder), local_files_only=True)
        options = onnxruntime.SessionOptions()
        options.log_severity_level = 3  # warnings about the quantized graph are not the user's
        self._session = onnxruntime.InferenceSession(
            str(folder / QUANTIZED_FILE), options, providers=["CPUExecutionProvider"])

    def encode(self, texts: list[str], batch_size: int) -> np.ndarray:
        """One row per text, in the order given."""
        order = np.argsort([-len(text) for text in texts], kind="stable")
        rows = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for start in range(0, len(texts), batch_size):
            picked = order[start:start + batch_size]
            rows[picked] = self._batch([texts[i].strip() for i in picked])
        return rows

    def _batch(self, texts: list[str]) -> np.ndarray:
        tokens = self._tokenizer(texts, padding=True, truncation="longest_first",
                                 max_length=self._max_length, return_tensors="np")
        feed = {name: tokens[name].astype(np.int64) for name in self._inputs}
        hidden = self._session.run(["last_hidden_state"], feed)[0]
        mask = tokens["attention_mask"][..., None].astype(np.float32)
        pooled = (hidden * mask).sum(axis=1) / np.clip(mask.sum(axis=1), 1e-9, None)
        pooled /= np.clip(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12, None)
        return np.asarray(pooled, dtype=np.float32)
