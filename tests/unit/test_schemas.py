"""The committed JSON Schemas in corpora/schema/ match the pydantic models."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

TOOL = Path(__file__).parents[2] / "tools" / "make_schemas.py"


def load_tool() -> ModuleType:
    spec = importlib.util.spec_from_file_location("make_schemas", TOOL)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_committed_schemas_are_up_to_date() -> None:
    tool = load_tool()
    for name, text in tool.generated_schemas().items():
        committed = tool.SCHEMA_DIR / name
        assert committed.is_file(), f"run python tools/make_schemas.py ({name} is missing)"
        assert committed.read_text(encoding="utf-8") == text, (
            f"run python tools/make_schemas.py ({name} is out of date)")
