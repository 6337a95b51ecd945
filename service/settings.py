"""One typed settings tree, read from ``ASSAY_*`` variables and ``<data dir>/settings.yaml``.

Environment variables use ``__`` for nesting (``ASSAY_DB__URL``) and win over the file.
"""

from __future__ import annotations

import os
from functools import cached_property
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, Field
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

SETTINGS_FILE = "settings.yaml"


class LLMSettings(BaseModel):
    """Which chat model proposes levels and answers questions."""

    mode: Literal["local", "openai", "ollama", "fake"] = "local"


class EmbeddingSettings(BaseModel):
    """The sentence-embedding model; ``fake`` is for tests about something else."""

    mode: Literal["local", "fake"] = "local"
    batch_size: int = Field(default=64, ge=1, le=4096)
    device: str | None = Field(default=None, description="cpu, cuda, ...; None picks a GPU if any")


class VectorStoreSettings(BaseModel):
    """Chroma in the data dir (``persistent``) or a Chroma server (``http``)."""

    mode: Literal["persistent", "http"] = "persistent"
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)


class DBSettings(BaseModel):
    """The relational database; SQLite in the data dir unless a URL is given."""

    url: str | None = None


class IngestSettings(BaseModel):
    """Limits and chunk sizes for ingestion."""

    max_file_bytes: int = Field(default=50 * 1024 * 1024, ge=1)
    max_unpacked_bytes: int = Field(default=200 * 1024 * 1024, ge=1)
    max_compression_ratio: int = Field(default=200, ge=2)
    chunk_chars: int = Field(default=1000, ge=200)
    chunk_overlap: int = Field(default=150, ge=0)


class CatalogSettings(BaseModel):
    """Where the built-in framework catalogs live; None means the repository's corpora/."""

    corpora_dir: Path | None = None


class Settings(BaseSettings):
    """Everything Assay can be configured with."""

    model_config = SettingsConfigDict(
        env_prefix="ASSAY_", env_nested_delimiter="__", extra="forbid"
    )

    data_dir: Path = Path("data")
    llm: LLMSettings = LLMSettings()
    embedding: EmbeddingSettings = EmbeddingSettings()
    vectorstore: VectorStoreSettings = VectorStoreSettings()
    db: DBSettings = DBSettings()
    ingest: IngestSettings = IngestSettings()
    catalog: CatalogSettings = CatalogSettings()

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        """Let the environment override values read from the settings file."""
        return env_settings, init_settings

    @cached_property
    def database_url(self) -> str:
        """The configured database URL, or SQLite in the data dir."""
        return self.db.url or f"sqlite:///{(self.data_dir / 'assay.db').resolve()}"


def get_settings() -> Settings:
    """Read the settings: the data dir's settings file first, then the environment."""
    data_dir = Path(os.environ.get("ASSAY_DATA_DIR", "data"))
    file_values: dict[str, Any] = {}
    settings_file = data_dir / SETTINGS_FILE
    if settings_file.is_file():
        loaded = yaml.safe_load(settings_file.read_text(encoding="utf-8"))
        if not isinstance(loaded, dict):
            raise ValueError(f"{settings_file} must hold a mapping of settings")
        file_values = loaded
    file_values.setdefault("data_dir", data_dir)
    return Settings(**file_values)
