"""The hand labels of the comply policy set are complete and agree with their documents.

The small pydantic models below only pin the file's shape for this test; the eval harness owns
the real dataset model and can replace them.
"""

from __future__ import annotations

from datetime import date
from functools import cache
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field

from service.components.catalog.loader import DEFAULT_CORPORA_DIR, load_model_file
from service.domain.catalog import Catalog

DATASETS = Path(__file__).resolve().parents[2] / "evals" / "datasets"
LABELS = DATASETS / "comply_iso27001.yaml"
LEVEL_FOR_COVERAGE = {"addressed": 3, "partial": 2, "not_addressed": 0}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Passage(_Strict):
    document: str
    text: str = Field(min_length=15, max_length=400)


class Case(_Strict):
    ref: str
    coverage: Literal["addressed", "partial", "not_addressed"]
    expected_level: int
    passages: tuple[Passage, ...]
    note: str = Field(min_length=10)


class LabelFile(_Strict):
    name: str
    framework: str
    documents: str
    as_of: date
    source: str
    labelled: str
    cases: tuple[Case, ...]


@cache
def labels() -> LabelFile:
    return LabelFile.model_validate(yaml.safe_load(LABELS.read_text(encoding="utf-8")))


@cache
def assessable_refs() -> tuple[str, ...]:
    path = DEFAULT_CORPORA_DIR / "frameworks" / f"{labels().framework}.yaml"
    catalog = load_model_file(path, Catalog)
    return tuple(node.ref_id for node in catalog.requirements if node.assessable)


def folded(text: str) -> str:
    return " ".join(text.split())


def test_every_case_names_an_assessable_requirement() -> None:
    unknown = [case.ref for case in labels().cases if case.ref not in assessable_refs()]
    assert unknown == []


def test_every_assessable_requirement_has_exactly_one_case_in_catalog_order() -> None:
    assert tuple(case.ref for case in labels().cases) == assessable_refs()


def test_coverage_level_and_passages_agree() -> None:
    for case in labels().cases:
        assert case.expected_level == LEVEL_FOR_COVERAGE[case.coverage], case.ref
        assert bool(case.passages) == (case.coverage != "not_addressed"), case.ref


def test_every_passage_occurs_verbatim_in_its_document() -> None:
    root = DATASETS / labels().documents
    missing = []
    for case in labels().cases:
        for passage in case.passages:
            path = root / passage.document
            if not path.is_file():
                missing.append(f"{case.ref}: no document {passage.document}")
            elif folded(passage.text) not in folded(path.read_text(encoding="utf-8")):
                missing.append(f"{case.ref}: not in {passage.document}: {passage.text[:60]}")
    assert missing == []
