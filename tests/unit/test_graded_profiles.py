"""The graded profiles (evals/datasets/graded_*.yaml) are consistent with their documents.

A small model of the file lives here on purpose; the eval harness owns the real one. The
checks: every ref is an assessable requirement of the framework, every profile folder parses
with the product's own parsers, every passage is verbatim (whitespace folded) in its document
and in one chunk as the product cuts it (and in one CSV cell), and the expected levels are
0-5 with a reason.
"""

from __future__ import annotations

import csv
import re
from datetime import date
from pathlib import Path

import pytest
import yaml
from pydantic import BaseModel, ConfigDict, Field, model_validator

from service.components.catalog.loader import DEFAULT_CORPORA_DIR, load_model_file
from service.components.parsers import chunk_passages, detect_type, parse_document
from service.domain.catalog import Catalog
from service.domain.evidence import Passage as ParsedPassage
from service.settings import IngestSettings

DATASETS = Path(__file__).resolve().parents[2] / "evals" / "datasets"
GRADED_FILES = sorted(DATASETS.glob("graded_*.yaml"))
PROFILE_LEVELS = {1, 3, 4}
INGEST = IngestSettings()
SPACE = re.compile(r"\s+")
FIRST_DAY = date(2026, 1, 1)  # no record older than the as-of date's 12-month window


class Passage(BaseModel):
    """A supporting passage: a document of the profile and a verbatim piece of it."""

    model_config = ConfigDict(extra="forbid")

    document: str
    text: str = Field(min_length=12)


class Profile(BaseModel):
    """One document set, ingested into a workspace of its own."""

    model_config = ConfigDict(extra="forbid")

    level: int
    documents: str


class Case(BaseModel):
    """A requirement's expected level, reason and supporting passages per profile."""

    model_config = ConfigDict(extra="forbid")

    ref: str
    expected: dict[int, int]
    reasons: dict[int, str]
    passages: dict[int, list[Passage]]

    @model_validator(mode="after")
    def _one_of_each_per_profile(self) -> Case:
        if not set(self.expected) == set(self.reasons) == set(self.passages):
            raise ValueError(f"{self.ref}: expected, reasons and passages name other profiles")
        if any(not 0 <= level <= 5 for level in self.expected.values()):
            raise ValueError(f"{self.ref}: a level outside 0-5")
        if any(not reason.strip() for reason in self.reasons.values()):
            raise ValueError(f"{self.ref}: an empty reason")
        for profile, level in self.expected.items():
            if (level == 0) != (not self.passages[profile]):
                raise ValueError(f"{self.ref}: level {level} in profile {profile} needs "
                                 "passages exactly when it is above 0")
        return self


class GradedSet(BaseModel):
    """evals/datasets/graded_<framework>.yaml."""

    model_config = ConfigDict(extra="forbid")

    name: str
    framework: str
    company: str
    as_of: date
    profiles: list[Profile]
    cases: list[Case]


def fold(text: str) -> str:
    return SPACE.sub(" ", text).strip()


def load(path: Path) -> GradedSet:
    return GradedSet.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))


def chunked(folder: Path) -> dict[str, list[ParsedPassage]]:
    """Each document's chunks at the default ingest settings, as the product makes them."""
    chunks = {}
    for path in sorted(folder.iterdir()):
        parsed = parse_document(path, detect_type(path))
        chunks[path.name] = chunk_passages(parsed.passages, INGEST.chunk_chars,
                                           INGEST.chunk_overlap)
    return chunks


def csv_cells(path: Path) -> list[str]:
    return [cell for row in csv.reader(path.read_text(encoding="utf-8").splitlines())
            for cell in row]


def test_there_is_a_graded_set_per_framework_family() -> None:
    assert {p.stem for p in GRADED_FILES} == {"graded_iso27001", "graded_iso9001", "graded_gmp"}


@pytest.mark.parametrize("path", GRADED_FILES, ids=lambda p: p.stem)
def test_cases_are_assessable_requirements(path: Path) -> None:
    graded = load(path)
    catalog = load_model_file(DEFAULT_CORPORA_DIR / "frameworks" / f"{graded.framework}.yaml",
                              Catalog)
    assessable = {node.ref_id for node in catalog.requirements if node.assessable}
    refs = [case.ref for case in graded.cases]
    assert len(set(refs)) == len(refs)
    assert set(refs) <= assessable, set(refs) - assessable
    assert {p.level for p in graded.profiles} == PROFILE_LEVELS
    assert all(set(case.expected) == PROFILE_LEVELS for case in graded.cases)


@pytest.mark.parametrize("path", GRADED_FILES, ids=lambda p: p.stem)
def test_levels_mostly_follow_the_profile_and_two_are_never_addressed(path: Path) -> None:
    graded = load(path)
    addressed = [c for c in graded.cases if any(c.expected.values())]
    assert len(graded.cases) - len(addressed) >= 2
    for profile in PROFILE_LEVELS:
        following = [c for c in addressed if c.expected[profile] == profile]
        assert len(following) >= 0.75 * len(addressed), profile


@pytest.mark.parametrize("path", GRADED_FILES, ids=lambda p: p.stem)
def test_documents_parse_and_hold_every_passage(path: Path) -> None:
    graded = load(path)
    for profile in graded.profiles:
        folder = DATASETS / profile.documents
        assert folder.is_dir(), folder
        documents = chunked(folder)
        assert documents, folder
        for case in graded.cases:
            for passage in case.passages[profile.level]:
                where = f"{case.ref}, profile {profile.level}, {passage.document}"
                assert passage.document in documents, f"{where}: no such document"
                file = folder / passage.document
                assert fold(passage.text) in fold(file.read_text(encoding="utf-8")), where
                assert any(fold(passage.text) in fold(chunk.text)
                           for chunk in documents[passage.document]), f"{where}: across chunks"
                if file.suffix == ".csv":
                    assert any(fold(passage.text) in fold(cell) for cell in csv_cells(file)), where


@pytest.mark.parametrize("path", GRADED_FILES, ids=lambda p: p.stem)
def test_csv_is_rectangular_and_dates_fall_in_the_window(path: Path) -> None:
    graded = load(path)
    for profile in graded.profiles:
        for file in sorted((DATASETS / profile.documents).glob("*.csv")):
            rows = list(csv.reader(file.read_text(encoding="utf-8").splitlines()))
            assert len({len(row) for row in rows}) == 1, file.name
        for file in sorted((DATASETS / profile.documents).iterdir()):
            for day in re.findall(r"\b20\d\d-\d\d-\d\d\b", file.read_text(encoding="utf-8")):
                assert FIRST_DAY <= date.fromisoformat(day) <= graded.as_of, (file.name, day)
