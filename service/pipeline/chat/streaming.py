"""Stream the model's pieces as they come, without ever ending on half a sentence."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

BOUNDARY = re.compile(r"[.!?](?=\s)|\n")
MARGIN = 30
SHORTFALL = 3  # pieces can be fewer than tokens (a token of half a character yields none)


def whole_sentences(pieces: Iterable[str], budget: int, margin: int = MARGIN) -> Iterator[str]:
    """Pass pieces on at once, but hold back the last ``margin`` before the token budget.

    Pieces are tokens on llama.cpp. When the model stops at the budget, it stops mid-sentence:
    what was held back after the last sentence end is then dropped. A model that stops by
    itself, a few tokens or more before the budget, loses nothing.
    """
    held, count = "", 0
    for piece in pieces:
        count += 1
        if count < budget - margin:
            yield piece
            continue
        held += piece
        ends = [m.end() for m in BOUNDARY.finditer(held)]
        if ends:
            yield held[: ends[-1]]
            held = held[ends[-1]:]
    if held and (count < budget - SHORTFALL or held.rstrip().endswith((".", "!", "?"))):
        yield held


def first_sentence(pieces: Iterator[str]) -> Iterator[str]:
    """Pass pieces on up to the end of the first sentence, then stop asking for more.

    Closing the model's stream there stops its generation: a line that needs one sentence
    costs one sentence, whatever the model would have gone on to write.
    """
    said = ""
    try:
        for piece in pieces:
            text = said + piece
            for end in BOUNDARY.finditer(text, max(len(said) - 1, 0)):
                if text[: end.start()].strip():  # a sentence, not a leading line break
                    if end.end() > len(said):
                        yield text[len(said): end.end()]
                    return
            said = text
            yield piece
    finally:
        close = getattr(pieces, "close", None)
        if close is not None:
            close()
