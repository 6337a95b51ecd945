"""Tag evidence as policy, procedure or record, from the document's name and title, then content.

A policy shows what should happen; a record shows what did. Implementation facets can only
be met by records, so this tag decides whether a level can pass 3. The rule: the head noun
of the file name or title decides ("access_review_minutes" is a record, "records management
policy" a policy); without one, the passage's own wording decides.
"""

from __future__ import annotations

import re

from service.domain.evidence import DocumentType, EvidenceKind

NAME_NOUNS: dict[str, EvidenceKind] = {
    **dict.fromkeys(
        ("minutes", "log", "logs", "register", "report", "reports", "record", "records",
         "tickets", "ticket", "results", "attendance", "export", "evidence", "findings",
         "certificate", "checklist", "tracker", "metrics", "dashboard"),
        EvidenceKind.RECORD,
    ),
    **dict.fromkeys(
        ("sop", "procedure", "procedures", "instruction", "instructions", "runbook",
         "playbook", "process", "workflow"),
        EvidenceKind.PROCEDURE,
    ),
    **dict.fromkeys(
        ("policy", "policies", "standard", "manual", "handbook", "charter", "methodology",
         "plan", "guideline", "guidelines", "framework", "statement", "code"),
        EvidenceKind.POLICY,
    ),
}
WORD = re.compile(r"[a-z]+")
TABULAR = {DocumentType.CSV, DocumentType.XLSX}
PROCEDURE_PREFIX = re.compile(r"^\s*(?:sop|wi)\b", re.IGNORECASE)

RECORD_CUES = re.compile(
    r"\b(?:\d{4}-\d{2}-\d{2}"
    r"|\d{1,2} (?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]* \d{4}"
    r"|[A-Z]{2,}-\d{3,}|attendees|present:|action items?|findings?|were (?:reviewed|removed|"
    r"revoked|tested|completed|closed)|was (?:reviewed|removed|revoked|tested|completed|closed)"
    r"|we (?:reviewed|found|removed|tested))\b"
    # a filled-in form, as scanned signed records read after OCR: "Signed: ...", "Approved by:"
    r"|\b(?:signed|signature|approved|verified|checked)(?: by)?:",
    re.IGNORECASE,
)
PROCEDURE_CUES = re.compile(
    r"\b(?:step \d+|steps?:|then |next,|first,|record the|enter the|open the|select |click )",
    re.IGNORECASE,
)
POLICY_CUES = re.compile(r"\b(?:shall|must|is required to|are required to|will be|policy)\b", re.I)


def kind_from_name(name: str) -> EvidenceKind | None:
    """The kind named by the last kind-noun in a file name or title, if any; 'SOP-...' ids win."""
    if PROCEDURE_PREFIX.match(name):
        return EvidenceKind.PROCEDURE
    found = [NAME_NOUNS[w] for w in WORD.findall(name.lower()) if w in NAME_NOUNS]
    return found[-1] if found else None


def kind_from_content(text: str) -> EvidenceKind:
    """The kind whose cues the passage shows most, records winning ties over procedures."""
    records = len(RECORD_CUES.findall(text))
    procedures = len(PROCEDURE_CUES.findall(text))
    policies = len(POLICY_CUES.findall(text))
    if records >= 2 and records >= policies:
        return EvidenceKind.RECORD
    if procedures > policies:
        return EvidenceKind.PROCEDURE
    return EvidenceKind.POLICY


def classify_document(name: str, title: str, doc_type: DocumentType) -> EvidenceKind | None:
    """A document-wide kind from its file name, then its first heading; spreadsheets are records."""
    stem = name.rsplit("/", 1)[-1].rsplit(".", 1)[0].replace("_", " ").replace("-", " ")
    by_name = kind_from_name(stem) or kind_from_name(title)
    if by_name is None and doc_type in TABULAR:
        return EvidenceKind.RECORD
    return by_name
