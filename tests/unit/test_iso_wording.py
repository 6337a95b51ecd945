"""ISO catalogs keep to the project's own words: no summary or facet mirrors a control statement.

ISO's statements are copyrighted and not available to the project, so these checks cannot
compare against them. They guard the two shapes a copied statement takes instead:

- it opens with the requirement's title (or most of it) followed by "is/are/shall/should",
  the "<title> shall be ..." pattern, measured as a difflib word-sequence ratio below 0.60
  between the sentence's opening words and that pattern;
- in the summaries, a sentence whose subject is followed at once by a passive
  "is/are <participle>" (the Annex A "X shall be done" shape, "shall be" read as "are"), or
  that opens "The organization <verb>s" / "Top management <verb>s" (the clauses' shape).

What they cannot check: a sentence that follows the standard's word order without either
shape, or a paraphrase that keeps the structure while changing every word. Review still
matters; these tests stop the known failure from coming back.
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher

import pytest

from service.components.catalog.loader import DEFAULT_CORPORA_DIR, load_model_file
from service.domain.catalog import Catalog, Requirement

ISO_FRAMEWORKS = ("iso27001-2022", "iso9001-2015")
RATIO_LIMIT = 0.60
_VERBS = {"is", "are", "shall", "should", "must"}
_WORD = re.compile(r"[a-z0-9]+(?:[-'][a-z0-9]+)*")
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z])")
_IRREGULAR = {
    "built", "chosen", "done", "drawn", "given", "held", "kept", "known", "made", "met",
    "run", "set", "shown", "taken", "written", "put", "sent", "found", "bought", "brought",
}
_NOT_PARTICIPLES = {"need", "needed", "based", "used", "red", "shared", "related", "limited",
                    "expected", "required"}
_SUBORDINATE = {"when", "whenever", "if", "before", "unless", "once", "where", "how", "what",
                "moment", "whether", "while", "until"}
_STATEMENT_SUBJECTS = re.compile(
    r"^(the organization|top management|it) (shall|must|should|\w+s)\b")


def words(text: str) -> list[str]:
    """Lower-cased words, with "shall be" read as "are" as in the audit's measure."""
    return _WORD.findall(text.casefold().replace("shall be", "are"))


def sentences(text: str) -> list[str]:
    """The sentences of a summary."""
    return [s for s in _SENTENCE.split(" ".join(text.split())) if s]


def title_pattern_ratio(sentence: str, title: str) -> float:
    """Similarity of a sentence's opening to '<title> are', the copied statement's shape;
    0 when the opening holds no 'is/are/shall/...' (then it cannot have that shape)."""
    pattern = [*words(title), "are"]
    opening = words(sentence)[: len(pattern) + 1]
    if not _VERBS & set(opening):
        return 0.0
    return SequenceMatcher(None, opening, pattern, autojunk=False).ratio()


def opens_with_title(sentence: str, title: str) -> bool:
    """Whether a sentence starts with the title's words and then a modal or 'is/are'."""
    title_words, sentence_words = words(title), words(sentence)
    head = sentence_words[: len(title_words)]
    return head == title_words and sentence_words[len(title_words): len(title_words) + 1] in (
        [v] for v in _VERBS)


def _participle(word: str) -> bool:
    return word not in _NOT_PARTICIPLES and (word.endswith("ed") or word in _IRREGULAR)


def statement_shaped(sentence: str) -> bool:
    """A clause statement's 'The organization shall ...' opening, or a bare passive
    'X are <participle> ...' sentence: the subject, then a passive main verb."""
    if _STATEMENT_SUBJECTS.match(" ".join(words(sentence))):
        return True
    clause = sentence.split(",")[0].split(":")[0]
    clause_words = words(clause)
    for index, word in enumerate(clause_words[:14]):
        if index and clause_words[index - 1] in {"that", "which", "who"}:
            continue
        if word in {"is", "are"} and index + 1 < len(clause_words):
            after = clause_words[index + 1]
            after = clause_words[index + 2] if after in {"not", "also", "then"} and index + 2 < len(
                clause_words) else after
            return _participle(after) and not _SUBORDINATE & set(clause_words[:index])
    return False


def iso_requirements(framework_id: str) -> list[Requirement]:
    """The assessable requirements of a built-in ISO catalog."""
    path = DEFAULT_CORPORA_DIR / "frameworks" / f"{framework_id}.yaml"
    return [n for n in load_model_file(path, Catalog).requirements if n.assessable]


def wording_problems(framework_id: str) -> list[str]:
    """Every sentence or facet that has a copied statement's shape, with the reason."""
    problems = []
    for node in iso_requirements(framework_id):
        texts = [("summary", s, True) for s in sentences(node.summary)]
        texts += [(facet.id, facet.text, False) for facet in node.facets]
        for where, text, is_summary in texts:
            ratio = title_pattern_ratio(text, node.title)
            if ratio >= RATIO_LIMIT or opens_with_title(text, node.title):
                problems.append(f"{node.ref_id} {where}: opens like '<title> shall be' "
                                f"(ratio {ratio:.2f}): {text}")
            elif is_summary and statement_shaped(text):
                problems.append(f"{node.ref_id} {where}: statement shape: {text}")
    return problems


@pytest.mark.parametrize("framework_id", ISO_FRAMEWORKS)
def test_no_sentence_has_the_shape_of_a_control_statement(framework_id: str) -> None:
    problems = wording_problems(framework_id)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize(
    ("sentence", "title", "copied"),
    [
        ("Logs that record activities and faults are produced, stored and analysed.",
         "Logging", True),
        ("Networks and network devices are secured, managed and controlled.",
         "Networks security", True),
        ("Information backup is maintained and tested regularly.", "Information backup", True),
        ("Clock synchronization shall be done against an approved time source.",
         "Clock synchronization", True),
        ("When something goes wrong, investigators need a trustworthy record.", "Logging", False),
        ("A flat network lets one compromise spread everywhere.", "Segregation of networks",
         False),
    ],
)
def test_the_checks_catch_the_copied_shapes(sentence: str, title: str, copied: bool) -> None:
    flagged = (title_pattern_ratio(sentence, title) >= RATIO_LIMIT
               or opens_with_title(sentence, title) or statement_shaped(sentence))
    assert flagged is copied
