"""Split chunk text into sentences: prose at sentence ends, lists, tables and rows at lines.

Prose that is wrapped at a fixed width (plain text, Markdown, e-mails, text read from PDF
pages) continues a sentence on the next line: such lines are joined before splitting, or a
sentence would be matched as fragments ("the review of user accounts, the handling").
"""

from __future__ import annotations

import re

SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[\"'(\[]?[A-Z0-9])")
BULLET = re.compile(r"^\s*(?:[-*+•]|\d+[.)]|[a-z][.)])\s+")
# a Markdown table rule such as "| --- | :-: |"; fullmatch of one class is linear (no ReDoS)
TABLE_RULE = re.compile(r"[\s:|-]+")
MIN_CHARS = 12
MIN_WORDS = 5
MAX_CHARS = 400
WRAP_WIDTH = 60
"""A line at least this long that does not end a sentence is taken as wrapped."""
SENTENCE_STOP = ".!?:;"


def split_sentences(text: str, prose: bool = True) -> list[str]:
    """Sentences in order, each a verbatim substring of ``text`` (so quotes stay exact).

    With ``prose=False`` (spreadsheet rows) only line breaks split: a row is one record.
    """
    sentences: list[str] = []
    for line in _logical_lines(text) if prose else text.splitlines():
        if not line.strip() or TABLE_RULE.fullmatch(line):
            continue
        body = BULLET.sub("", line, count=1).strip()
        for part in SENTENCE_END.split(body) if prose else [body]:
            sentences.extend(_bounded(part.strip()))
    return [s for s in sentences if len(s) >= MIN_CHARS and len(s.split()) >= MIN_WORDS]


def _starts_block(line: str) -> bool:
    """A bullet, heading or table row begins a line of its own, never a continuation."""
    stripped = line.lstrip()
    return bool(BULLET.match(line)) or stripped.startswith(("#", "|"))


def _continues(previous: str, line: str) -> bool:
    """Whether ``line`` carries on the wrapped sentence of ``previous``."""
    before, now = previous.rstrip(), line.strip()
    if not before or not now or _starts_block(line) or before.lstrip().startswith(("#", "|")):
        return False
    if before[-1] in SENTENCE_STOP:
        return False
    return now[0].islower() or now[0] == "(" or len(before) >= WRAP_WIDTH


def _logical_lines(text: str) -> list[str]:
    """Lines with wrapped continuations joined: each a verbatim slice of ``text``."""
    lines = text.splitlines(keepends=True)
    joined: list[str] = []
    for line in lines:
        if joined and _continues(joined[-1].splitlines()[-1], line):
            joined[-1] += line
        else:
            joined.append(line)
    return [line.rstrip("\r\n") for line in joined]


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
