"""Versioned prompt templates from ``prompts/``; each proposal records the versions it used."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field

from service.components.shipped import shipped_dir

PROMPTS_DIR = shipped_dir("prompts")


class PromptTemplate(BaseModel):
    """A system prompt and a user template with ``{named}`` fields."""

    model_config = ConfigDict(frozen=True)

    id: str
    version: str
    purpose: str
    system: str
    user: str
    tasks: dict[str, str] = Field(
        default_factory=dict, description="named task texts, for prompts that pick one")


@lru_cache(maxsize=16)
def load_prompt(prompt_id: str, directory: Path = PROMPTS_DIR) -> PromptTemplate:
    """The template ``prompts/<prompt_id>.yaml``."""
    data = yaml.safe_load((directory / f"{prompt_id}.yaml").read_text(encoding="utf-8"))
    return PromptTemplate.model_validate(data)
