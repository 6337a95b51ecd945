"""Flag passages addressed to a model: they are shown to reviewers and never cited."""

from __future__ import annotations

import re

INJECTION = re.compile(
    r"\b(?:ignore|disregard|forget|override)\s+(?:all\s+|any\s+|the\s+|your\s+)?"
    r"(?:previous|prior|above|earlier|preceding|system|these|other)\s+(?:instructions?|prompts?)\b"
    r"|\bnote to (?:the )?(?:ai|assistant|model|llm|language model|assessor bot|reviewer bot)\b"
    r"|\b(?:ai|llm|language model|assistant|chatbot|gpt)s?\b[^.\n]{0,30}\b(?:must|should|shall)\b"
    r"[^.\n]{0,40}\b(?:rate|score|mark|assess|answer|output|respond)\b"
    r"|\b(?:rate|score|mark)\b[^.\n]{0,40}\b(?:every|all|each|this)\b[^.\n]{0,40}"
    r"\b(?:controls?|requirements?|clauses?)\b[^.\n]{0,20}\b(?:as|at|a|with)?\s*(?:level\s*)?[0-5]\b"
    r"|\bsystem prompt\b|\byou are (?:an? )?(?:ai|assistant|language model|chatbot)\b"
    r"|</?(?:system|assistant|instructions?)>",
    re.IGNORECASE,
)


def is_injection(text: str) -> bool:
    """True when the passage tries to instruct a model instead of describing the organisation."""
    return INJECTION.search(text) is not None
