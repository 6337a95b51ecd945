"""What kind of question this is, and what it is about, decided by rules (no model call)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum

from service.pipeline.chat.mentions import Mentions
from service.pipeline.chat.resolve import Preferences, Resolution, Subject

COMPARE = re.compile(r"\b(?:differ\w*|compar\w*|versus|vs\.?|contrast\w*)", re.IGNORECASE)
WORKSPACE = re.compile(r"\b(?:our|we|my|do i|have i)\b", re.IGNORECASE)
SEARCH = re.compile(
    r"\b(?:which|what|list)\b.{0,40}\b(?:controls?|requirements?|clauses?|articles?|sections?"
    r"|categories|subcategories|outcomes)\b", re.IGNORECASE)
EVIDENCE = re.compile(r"\b(?:evidence|records?|proof|inspectors?|auditors?|documents? to)\b",
                      re.IGNORECASE)
FOLLOW_UP = re.compile(r"^\s*(?:and|also|what about|how about)\b"
                       r"|\b(?:it|its|this|that|them|these|those|they)\b", re.IGNORECASE)
FILLER = re.compile(
    r"\b(?:which|what|where|when|who|how|why|do|does|did|is|are|was|were|can|could|should|"
    r"would|will|have|has|our|we|us|my|i|the|a|an|any|there|list|show|me|tell|about|of|in|for|"
    r"to|on|with|by|all|documents?|policies|policy|procedures?|records?|controls?|"
    r"requirements?|clauses?|articles?|sections?|cover|covers|covered|address|addresses|"
    r"addressed|deal|deals|relate|relates|related|apply|applies|mention|mentions|require|"
    r"requires|required|framework|frameworks|annex|say|says|anything|and|also|it|its|this|"
    r"that|them|these|those|they|explain|please|expect|expected|would|differ|from)\b|[?!.,;:\"']",
    re.IGNORECASE)


class Intent(StrEnum):
    """What the answer is built from."""

    REQUIREMENT = "requirement"  # what a requirement asks for: the catalog
    WORKSPACE = "workspace"  # whether the workspace's documents address something
    COMPARE = "compare"  # frameworks side by side: profiles and crosswalks
    SEARCH = "search"  # which requirements cover a topic
    FRAMEWORK = "framework"  # what a framework is: its profile
    GENERAL = "general"  # nothing named: the catalogs and the documents, by topic


@dataclass
class Plan:
    """The intent, its subjects and frameworks, the topic, and what must be said."""

    intent: Intent
    subjects: list[Subject]
    frameworks: list[str]
    topic: str
    evidence_focus: bool
    statements: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    annex_a: bool = False


def topic_of(mentions: Mentions) -> str:
    """The question without names, references and question words, e.g. "access reviews"."""
    return " ".join(FILLER.sub(" ", mentions.rest).split())


def make_plan(question: str, mentions: Mentions, resolution: Resolution,
              previous: list[Subject], prefs: Preferences) -> Plan:
    """Decide the intent; a follow-up without names of its own reuses the previous subjects."""
    subjects, frameworks = list(resolution.subjects), list(resolution.frameworks)
    statements, notes = list(resolution.statements), list(resolution.notes)
    named = bool(mentions.refs or mentions.frameworks)
    if not named and previous and FOLLOW_UP.search(question):
        subjects = previous
        statements.append("Following up on " + ", ".join(
            f"{s.framework} {s.node.ref_id}" for s in previous) + ".")
    preferred = prefs.ordered()[0] if prefs.ordered() else None
    other = preferred[0] if preferred else None
    topic = topic_of(mentions)
    intent = _intent(question, subjects, frameworks, other, topic)
    if intent == Intent.COMPARE and len(frameworks) == 1 and preferred:
        frameworks.append(preferred[0])
        statements.append(f"I compare it with {preferred[0]} ({preferred[1]}).")
    return Plan(intent=intent, subjects=subjects, frameworks=frameworks,
                topic=topic, evidence_focus=bool(EVIDENCE.search(question)),
                statements=statements, notes=notes, annex_a=resolution.annex_a)


def _intent(question: str, subjects: list[Subject], frameworks: list[str],
            other: str | None, topic: str) -> Intent:
    workspace = bool(WORKSPACE.search(question))
    if subjects:
        return Intent.WORKSPACE if workspace else Intent.REQUIREMENT
    comparable = len(frameworks) >= 2 or (
        len(frameworks) == 1 and other is not None and other != frameworks[0])
    if COMPARE.search(question) and comparable:
        return Intent.COMPARE
    if SEARCH.search(question):
        return Intent.SEARCH
    if workspace and (topic or not frameworks):
        return Intent.WORKSPACE
    if frameworks:
        return Intent.SEARCH if topic else Intent.FRAMEWORK
    return Intent.GENERAL
