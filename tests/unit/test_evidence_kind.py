"""Evidence kinds: the file name's head noun decides, then the title, then the wording."""

from __future__ import annotations

import pytest

from service.domain.evidence import DocumentType, EvidenceKind
from service.pipeline.evidence_kind import classify_document, kind_from_content, kind_from_name

POLICY, PROCEDURE, RECORD = EvidenceKind.POLICY, EvidenceKind.PROCEDURE, EvidenceKind.RECORD


@pytest.mark.parametrize(
    ("name", "doc_type", "expected"),
    [
        ("access_review_minutes_2026_q3.docx", DocumentType.DOCX, RECORD),
        ("backup_restore_test_log_2026.csv", DocumentType.CSV, RECORD),
        ("security_incident_register_2026.xlsx", DocumentType.XLSX, RECORD),
        ("internal_audit_report_2026.pdf", DocumentType.PDF, RECORD),
        ("SOP-QC-014_electronic_records_audit_trail_review.docx", DocumentType.DOCX, PROCEDURE),
        ("sop_qc_014_audit_trail_review.md", DocumentType.MARKDOWN, PROCEDURE),
        ("incident_response_procedure.md", DocumentType.MARKDOWN, PROCEDURE),
        ("access_control_policy.docx", DocumentType.DOCX, POLICY),
        ("records_management_policy.docx", DocumentType.DOCX, POLICY),
        ("log-retention-policy.md", DocumentType.MARKDOWN, POLICY),
        ("backup_restore_standard.pdf", DocumentType.PDF, POLICY),
        ("quality_manual.pdf", DocumentType.PDF, POLICY),
        ("policies/reports/travel_and_expenses_policy.md", DocumentType.MARKDOWN, POLICY),
        ("exports/accounts.xlsx", DocumentType.XLSX, RECORD),  # a spreadsheet without a noun
    ],
)
def test_file_names(name: str, doc_type: DocumentType, expected: EvidenceKind) -> None:
    assert classify_document(name, "Untitled", doc_type) == expected


def test_the_title_decides_when_the_name_does_not() -> None:
    assert classify_document("q3.docx", "Q3 access review minutes", DocumentType.DOCX) == RECORD
    assert classify_document("kb-005.pdf", "Access Control Policy", DocumentType.PDF) == POLICY
    assert classify_document("notes.txt", "Notes", DocumentType.TEXT) is None
    assert kind_from_name("Work instruction WI-7 label printing") == PROCEDURE


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("On 2026-10-08 we reviewed 450 accounts; 7 leaver accounts were removed.", RECORD),
        ("Attendees: P. Natarajan, D. Kowalski. Action items: A1 close ITSM-5112.", RECORD),
        ("Access rights must be reviewed every quarter and the ISM shall approve changes.",
         POLICY),
        ("This policy is effective from 2026-01-01 and all staff must follow it.", POLICY),
        ("Step 1: open the KLIMS admin console. Step 2: select the user, then click Disable.",
         PROCEDURE),
        ("The canteen opens at noon.", POLICY),
    ],
)
def test_content_cues(text: str, expected: EvidenceKind) -> None:
    assert kind_from_content(text) == expected


def test_a_signed_form_read_by_ocr_is_a_record() -> None:
    form = ("Line clearance, packaging line 2\nLot 3381 cleared for packaging.\n"
            "Signed: J. Moreau\nApproved by: QA")
    assert kind_from_content(form) == RECORD
    assert kind_from_content("Each clearance must be signed by the supervisor.") == POLICY
