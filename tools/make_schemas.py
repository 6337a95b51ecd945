"""Write corpora/schema/*.json, the JSON Schemas of the catalog file format.

Run ``python tools/make_schemas.py`` after changing ``service/domain/catalog.py``; a unit
test fails while the committed schemas differ from the generated ones.
"""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import BaseModel

from service.domain.catalog import Catalog, Crosswalk, ScaleFile

SCHEMA_DIR = Path(__file__).resolve().parents[1] / "corpora" / "schema"
MODELS: dict[str, type[BaseModel]] = {
    "catalog.schema.json": Catalog,
    "scales.schema.json": ScaleFile,
    "crosswalk.schema.json": Crosswalk,
}


def generated_schemas() -> dict[str, str]:
    """Each schema file's name and its JSON text."""
    return {
        name: json.dumps(
            {"$schema": "https://json-schema.org/draft/2020-12/schema",
             **model.model_json_schema()},
            indent=2, ensure_ascii=False,
        ) + "\n"
        for name, model in MODELS.items()
    }


def main() -> None:
    """Write every schema into corpora/schema/."""
    SCHEMA_DIR.mkdir(parents=True, exist_ok=True)
    for name, text in generated_schemas().items():
        (SCHEMA_DIR / name).write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
