"""Flag passages addressed to a model: they are shown to reviewers and never cited.

Text is normalised before it is screened, so that invisible or compatibility characters do
not hide a phrasing: Unicode tag characters are read as the ASCII they smuggle, NFKC folds
full-width and compatibility forms, format characters (zero-width spaces and joiners, bidi
controls, soft hyphens, byte-order marks) are removed, case is folded, accents and other
non-spacing marks are dropped, every run of whitespace becomes one space, and words spelled
out letter by letter ("i g n o r e") are joined. Look-alike letters of other scripts
(a Cyrillic "o") are not folded. The phrasings are in ``screening_rules``.
"""

from __future__ import annotations

import re
import unicodedata

from service.pipeline.screening_rules import RULES, Rule

TAG_BLOCK = range(0xE0020, 0xE007F)  # invisible copies of printable ASCII
APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "\u00b4": "'",
                             "`": "'", "\u201c": '"', "\u201d": '"'})
WHITESPACE = re.compile(r"\s+")
# Four or more single letters with one separator between each: "i.g.n.o.r.e", "i g n o r e".
SPELLED_OUT = re.compile(r"(?<!\w)(?:\w[.\-_* ]){3,}\w(?!\w)")
COMPILED = tuple((rule, re.compile(rule.pattern)) for rule in RULES)


def _visible(char: str) -> str:
    code = ord(char)
    if code in TAG_BLOCK:
        return chr(code - 0xE0000)
    return "" if unicodedata.category(char) == "Cf" else char


def normalise(text: str) -> str:
    """The text as the rules read it: visible, NFKC, case-folded, unaccented, spaces folded."""
    visible = "".join(_visible(char) for char in text)
    folded = unicodedata.normalize("NFKC", visible).casefold().translate(APOSTROPHES)
    unaccented = "".join(char for char in unicodedata.normalize("NFKD", folded)
                         if unicodedata.category(char) != "Mn")  # accents, variation selectors
    spaced = WHITESPACE.sub(" ", unaccented).strip()
    return SPELLED_OUT.sub(lambda m: re.sub(r"[.\-_* ]", "", m.group(0)), spaced)


def matching_rules(text: str) -> list[Rule]:
    """Every rule whose phrasing occurs in the text, in rule order."""
    normal = normalise(text)
    return [rule for rule, pattern in COMPILED if pattern.search(normal)]


def is_injection(text: str) -> bool:
    """True when the passage tries to instruct a model instead of describing the organisation."""
    normal = normalise(text)
    return any(pattern.search(normal) for _, pattern in COMPILED)
