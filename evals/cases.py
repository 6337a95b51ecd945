"""The datasets as pydantic models: hand-labelled cases, loaded from evals/datasets/*.yaml."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, model_validator

from service.domain.evidence import EvidenceKind
from service.errors import AssayError

DATASETS = Path(__file__).resolve().parent / "datasets"


class DatasetError(AssayError):
    """A label that does not match the documents it names."""

    code = "invalid_dataset"


class PassageLabel(BaseModel):
    """A passage of one document, named by a distinctive substring so it survives re-chunking."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    document: str = Field(description="the document's display name, e.g. a file name")
    contains: str = Field(min_length=12, description="verbatim text, whitespace aside")


class RetrievalCase(BaseModel):
    """A requirement with the passages that support it, or none when the samples have nothing."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    ref: str
    area: Literal["strong", "gap", "none"]
    note: str = ""
    supporting: tuple[PassageLabel, ...] = ()

    @model_validator(mode="after")
    def _none_means_no_passages(self) -> RetrievalCase:
        if (self.area == "none") != (not self.supporting):
            raise ValueError(f"{self.ref}: area 'none' and only it must have no passages")
        return self


class KindCase(PassageLabel):
    """A passage with the evidence kind a careful reader gives it."""

    kind: EvidenceKind
    tricky: bool = False
    note: str = ""


class LevelCase(BaseModel):
    """The maturity level (0-5) expected for a requirement on the full sample set."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    ref: str
    level: int = Field(ge=0, le=5)
    reason: str


class RetrievalSet(BaseModel):
    """evals/datasets/retrieval.yaml."""

    framework: str
    cases: tuple[RetrievalCase, ...]


class KindSet(BaseModel):
    """evals/datasets/kinds.yaml."""

    cases: tuple[KindCase, ...]


class LevelSet(BaseModel):
    """evals/datasets/levels.yaml."""

    framework: str
    cases: tuple[LevelCase, ...]


class ScreeningCase(BaseModel):
    """A sentence a document could hold, and whether it is addressed to a model."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    text: str = Field(min_length=1)
    injection: bool
    language: str = Field(pattern=r"^[a-z]{2}$")
    round: int = Field(ge=1, description="when it was written: rules were widened between rounds")
    unseen: bool = Field(default=False, description="never used to change a rule")
    technique: str = ""


class ScreeningSet(BaseModel):
    """evals/datasets/screening.yaml."""

    cases: tuple[ScreeningCase, ...]


def _load(name: str) -> object:
    return yaml.safe_load((DATASETS / name).read_text(encoding="utf-8"))


def load_retrieval() -> RetrievalSet:
    """The retrieval dataset."""
    return RetrievalSet.model_validate(_load("retrieval.yaml"))


def load_kinds() -> KindSet:
    """The evidence-kind dataset."""
    return KindSet.model_validate(_load("kinds.yaml"))


def load_levels() -> LevelSet:
    """The expected-levels dataset."""
    return LevelSet.model_validate(_load("levels.yaml"))


def load_screening() -> ScreeningSet:
    """The injection-screening dataset."""
    return ScreeningSet.model_validate(_load("screening.yaml"))
