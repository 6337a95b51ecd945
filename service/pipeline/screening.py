"""Flag passages addressed to a model: they are shown to reviewers and never cited."""

from __future__ import annotations

import re

MODEL = r"(?:ai|a\.i\.|llm|language model|model|assistant|chatbot|gpt|assessor bot|reviewer bot)"
INJECTION = re.compile(
    r"\b(?:ignore|disregard|forget|override)\s+(?:all\s+|any\s+|the\s+|your\s+)?"
    r"(?:previous|prior|above|earlier|preceding|system|these|other)\s+(?:instructions?|prompts?)\b"
    rf"|\bnote to (?:the |any )?{MODEL}s?\b"
    rf"|\b(?:the |any )?{MODEL}s?(?:\s+(?:assessors?|reviewers?|auditors?|systems?|tools?))?\s+"
    r"(?:reading|reviewing|assessing|processing|evaluating)\s+"
    r"(?:this|these)\b"
    r"|\b(?:ai|llm|language model|model|chatbot|gpt)s?\s+(?:must|should|shall|will)\s+"
    r"(?:rate|score|mark|grade|answer|output)\s+(?:this|it|the|every|all|each|yes)\b"
    r"|\b(?:rate|score|mark)\s+(?:this|these|every|all|each)\b[^.\n]{0,40}"
    r"\b(?:controls?|requirements?|clauses?|documents?|polic(?:y|ies))\b[^.\n]{0,20}?"
    r"\b(?:as|at|with)?\s*(?:level\s*)?[0-5]\b"
    r"|\bsystem prompt\b|\byou are (?:an? )?(?:ai|assistant|language model|chatbot)\b"
    r"|</?(?:system|assistant|instructions?)>",
    re.IGNORECASE,
)


def is_injection(text: str) -> bool:
    """True when the passage tries to instruct a model instead of describing the organisation."""
    return INJECTION.search(text) is not None
