"""Split chunk text into sentences: prose at sentence ends, lists, tables and rows at lines."""

from __future__ import annotations

import re

SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[\"'(\[]?[A-Z0-9])")
BULLET = re.compile(r"^\s*(?:[-*+•]|\d+[.)]|[a-z][.)])\s+")
# a Markdown table rule such as "| --- | :-: |"; fullmatch of one class is linear (no ReDoS)
TABLE_RULE = re.compile(r"[\s:|-]+")
MIN_CHARS = 12
MIN_WORDS = 5
MAX_CHARS = 400


def split_sentences(text: str, prose: bool = True) -> list[str]:
    """Sentences in order, each a verbatim substring of ``text`` (so quotes stay exact).

    With ``prose=False`` (spreadsheet rows) only line breaks split: a row is one record.
    """
    sentences: list[str] = []
    for line in text.splitlines():
        if not line.strip() or TABLE_RULE.fullmatch(line):
            continue
        body = BULLET.sub("", line, count=1).strip()
        for part in SENTENCE_END.split(body) if prose else [body]:
            sentences.extend(_bounded(part.strip()))
    return [s for s in sentences if len(s) >= MIN_CHARS and len(s.split()) >= MIN_WORDS]


def _bounded(sentence: str) -> list[str]:
    """Cut run-on text at the last word boundary before ``MAX_CHARS``."""
    pieces = []
    while len(sentence) > MAX_CHARS:
        cut = sentence.rfind(" ", 0, MAX_CHARS)
        cut = cut if cut > 0 else MAX_CHARS
        pieces.append(sentence[:cut].strip())
        sentence = sentence[cut:].strip()
    pieces.append(sentence)
    return pieces
