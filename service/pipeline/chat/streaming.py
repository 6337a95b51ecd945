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
