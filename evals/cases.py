"""The datasets as pydantic models: hand-labelled cases, loaded from evals/datasets/*.yaml."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Literal, TypeVar

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


# The labelled real and graded workspaces of `assay eval` (issue 14).

M = TypeVar("M", bound=BaseModel)
Coverage = Literal["addressed", "partial", "not_addressed"]


class Passage(BaseModel):
    """A labelled passage: a document of the workspace and a verbatim substring of it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    document: str = Field(description="the document's path relative to the workspace folder")
    text: str = Field(min_length=8, description="verbatim text, whitespace aside")


class ComplyCase(BaseModel):
    """A requirement labelled against a real policy set: how far it is addressed, and where."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    ref: str
    coverage: Coverage
    expected_level: int = Field(ge=0, le=5)
    passages: tuple[Passage, ...] = ()
    note: str = ""

    @model_validator(mode="after")
    def _passages_unless_not_addressed(self) -> ComplyCase:
        if (self.coverage == "not_addressed") != (not self.passages):
            raise ValueError(f"{self.ref}: passages are needed unless it is not_addressed, "
                             "and only then absent")
        return self


class ComplySet(BaseModel):
    """A real document set labelled by hand against one framework."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    framework: str
    documents: str = Field(description="the documents' folder, relative to evals/datasets/")
    as_of: date | None = None
    source: str = ""
    labelled: str = Field(default="", description="who labelled it, how and when")
    cases: tuple[ComplyCase, ...]


class GradedProfile(BaseModel):
    """One fictional company written at one maturity level: a workspace of its own."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    level: int = Field(ge=0, le=5)
    documents: str


class GradedCase(BaseModel):
    """A requirement with its expected level in each profile, a reason, and the passages."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    ref: str
    expected: dict[int, int]
    reasons: dict[int, str] = {}
    passages: dict[int, tuple[Passage, ...]] = {}

    @model_validator(mode="after")
    def _levels_in_range(self) -> GradedCase:
        if any(not 0 <= level <= 5 for level in self.expected.values()):
            raise ValueError(f"{self.ref}: expected levels run from 0 to 5")
        return self


class GradedSet(BaseModel):
    """The same company at several levels, labelled per requirement."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    framework: str
    company: str = ""
    as_of: date | None = None
    source: str = ""
    profiles: tuple[GradedProfile, ...]
    cases: tuple[GradedCase, ...]

    @model_validator(mode="after")
    def _cases_name_known_profiles(self) -> GradedSet:
        known = {p.level for p in self.profiles}
        for case in self.cases:
            unknown = (set(case.expected) | set(case.passages)) - known
            if unknown:
                raise ValueError(f"{case.ref}: no profile at level(s) {sorted(unknown)}")
        return self


class ChatCase(BaseModel):
    """A chat question and what its answer must hold (see evals/datasets/chat.yaml)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    question: str
    framework: str | None = None
    ref: str | None = None
    kind: Literal["requirement", "compare", "evidence"] = "requirement"
    frameworks: tuple[str, str] | None = None  # compare: scored by evals/chat_suite.py
    facts: dict[str, tuple[str, str]] = {}
    documents: tuple[str, ...] = ()  # evidence: scored by evals/chat_suite.py


class ChatSet(BaseModel):
    """evals/datasets/chat.yaml."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    cases: tuple[ChatCase, ...]


def load_dataset(path: Path, model: type[M]) -> M:
    """One dataset file, validated; a malformed one stops the run naming the file."""
    try:
        return model.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
    except ValueError as error:
        raise DatasetError(f"{path.name}: {error}") from error


def comply_sets() -> list[ComplySet]:
    """Every real labelled set: evals/datasets/comply_*.yaml."""
    return [load_dataset(p, ComplySet) for p in sorted(DATASETS.glob("comply_*.yaml"))]


def graded_sets() -> list[GradedSet]:
    """Every graded profile set: evals/datasets/graded_*.yaml."""
    return [load_dataset(p, GradedSet) for p in sorted(DATASETS.glob("graded_*.yaml"))]


def freshness_sets() -> list[GradedSet]:
    """The same records current and aged, in the graded format: evals/datasets/freshness_*.yaml."""
    return [load_dataset(p, GradedSet) for p in sorted(DATASETS.glob("freshness_*.yaml"))]


def chat_sets() -> list[ChatSet]:
    """The chat questions: evals/datasets/chat*.yaml."""
    return [load_dataset(p, ChatSet) for p in sorted(DATASETS.glob("chat*.yaml"))]
