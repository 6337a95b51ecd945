"""Flag passages addressed to a model: they are shown to reviewers and never cited."""

from __future__ import annotations

import re

AUTOMATED = (
    r"automated\s+(?:review\s+|assessment\s+|compliance\s+|audit\s+)?"
    r"(?:tools?|reviewers?|assessors?|systems?|readers?|agents?)"
)
MODEL = rf"(?:ai|a\.i\.|llm|language model|model|assistant|chatbot|gpt|assessor bot|{AUTOMATED})"
STRICT_MODEL = rf"(?:ai|a\.i\.|llm|language model|chatbot|gpt|{AUTOMATED})"
INJECTION = re.compile(
    r"\b(?:ignore|disregard|forget|override)\s+(?:all\s+|any\s+|the\s+|your\s+)?"
    r"(?:previous|prior|above|earlier|preceding|system|these|other)\s+(?:instructions?|prompts?)\b"
    rf"|\bnote to (?:the |any )?{MODEL}s?\b"
    rf"|\b(?:for|to|attention)\s+(?:the\s+|any\s+|all\s+)?{MODEL}s?\s*:"
    rf"|\b(?:the |any )?{MODEL}s?(?:\s+(?:assessors?|reviewers?|auditors?|systems?|tools?))?\s+"
    r"(?:reading|reviewing|assessing|processing|evaluating)\s+(?:this|these)\b"
    rf"|\b{STRICT_MODEL}s?\s+(?:must|should|shall|will)\s+"
    r"(?:rate|score|mark|grade|answer|output|treat|regard|consider)\b"
    r"|\b(?:rate|score|mark)\s+(?:this|these|every|all|each)\b[^.\n]{0,40}"
    r"\b(?:controls?|requirements?|clauses?|documents?|polic(?:y|ies))\b[^.\n]{0,20}?"
    r"\b(?:as|at|with)?\s*(?:level\s*)?[0-5]\b"
    r"|\b(?:rate|score|mark)\b[^.\n]{0,40}\bas\s+(?:optimi[sz]ing|fully\s+(?:met|implemented|"
    r"compliant)|level\s*[0-5])\b"
    r"|\bsystem prompt\b|\byou are (?:an? )?(?:ai|assistant|language model|chatbot)\b"
    r"|</?(?:system|assistant|instructions?)>",
    re.IGNORECASE,
)


def is_injection(text: str) -> bool:
    """True when the passage tries to instruct a model instead of describing the organisation."""
    return INJECTION.search(text) is not None
