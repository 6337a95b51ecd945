"""The freshness eval set: the aged profile is the current one with every year two earlier."""

from __future__ import annotations

import re

from evals.cases import DATASETS, freshness_sets
from evals.workspaces import all_targets

YEAR = re.compile(r"(?<!\d)(2025|2026|2027)(?!\d)")


def fold(text: str) -> str:
    return " ".join(text.split())


def two_years_earlier(text: str) -> str:
    return YEAR.sub(lambda m: str(int(m.group(1)) - 2), text)


def test_the_aged_copy_is_the_current_one_two_years_earlier() -> None:
    [dataset] = freshness_sets()
    current, aged = (DATASETS / p.documents for p in dataset.profiles)
    names = sorted(p.name for p in current.iterdir())
    assert sorted(p.name for p in aged.iterdir()) == sorted(map(two_years_earlier, names))
    for name in names:
        text = (current / name).read_text(encoding="utf-8")
        assert (aged / two_years_earlier(name)).read_text(encoding="utf-8") == (
            two_years_earlier(text))


def test_every_passage_is_in_its_profile() -> None:
    targets = all_targets("freshness")
    assert [t.profile for t in targets] == [4, 3]
    for target in targets:
        assert str(target.as_of) == "2026-12-01"
        texts = {name: fold(path.read_text(encoding="utf-8")) for path, name in target.documents()}
        for case in target.cases:
            assert case.expected == target.profile
            for passage in case.passages:
                assert fold(passage.text) in texts[passage.document], (target.name, passage)
