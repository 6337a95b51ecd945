"""Sentence splitting: verbatim substrings, bullets, tables, and rows kept whole."""

from __future__ import annotations

from service.components.parsers.sentences import MAX_CHARS, split_sentences

PROSE = (
    "Backups run nightly at 02:00 UTC. Copies are kept for 35 days, e.g. in the EU region. "
    "Restore tests run every quarter! Are failures retested within 30 days? Yes, always."
)


def test_prose_splits_at_sentence_ends_and_keeps_text_verbatim() -> None:
    sentences = split_sentences(PROSE)
    assert sentences == [
        "Backups run nightly at 02:00 UTC.",
        "Copies are kept for 35 days, e.g. in the EU region.",
        "Restore tests run every quarter!",
        "Are failures retested within 30 days?",
    ]  # "Yes, always." is too short to be evidence
    assert all(s in PROSE for s in sentences)


def test_bullets_lose_their_marker_only() -> None:
    text = ("Leavers:\n- accounts are disabled within one working day\n"
            "* tokens are revoked by the service desk\n"
            "1. the line manager confirms the leaving date\n"
            "b) the ISM reviews the leaver report monthly")
    sentences = split_sentences(text)
    assert sentences == [
        "accounts are disabled within one working day",
        "tokens are revoked by the service desk",
        "the line manager confirms the leaving date",
        "the ISM reviews the leaver report monthly",
    ]
    assert all(s in text for s in sentences)


def test_table_rows_are_sentences_and_rules_are_skipped() -> None:
    table = ("| System | Accounts reviewed | Leavers disabled |\n"
             "|---|:---:|---|\n"
             "| KLIMS | 212 accounts reviewed | 3 leaver accounts disabled |")
    sentences = split_sentences(table)
    assert sentences == ["| System | Accounts reviewed | Leavers disabled |",
                         "| KLIMS | 212 accounts reviewed | 3 leaver accounts disabled |"]


def test_rows_are_not_split_without_prose() -> None:
    row = ("date: 2026-06-10; system: CDS; result: Fail. Retest passed on 2026-06-24 under "
           "ITSM-4812. Verified by: D. Kowalski")
    assert split_sentences(row, prose=False) == [row]
    assert split_sentences(row, prose=True) == [
        "date: 2026-06-10; system: CDS; result: Fail.",
        "Retest passed on 2026-06-24 under ITSM-4812."]


def test_long_run_on_text_is_cut_at_word_boundaries() -> None:
    text = " ".join(f"word{n}" for n in range(300))
    pieces = split_sentences(text)
    assert len(pieces) > 1
    assert all(len(p) <= MAX_CHARS and p in text for p in pieces)
    assert " ".join(pieces) == text


def test_fragments_and_blank_text_give_nothing() -> None:
    assert split_sentences("") == []
    assert split_sentences("\n\n  \n") == []
    assert split_sentences("Version 4.0\nApproved: CEO") == []


def test_wrapped_prose_is_joined_into_whole_sentences() -> None:
    text = ("Common topics in such programmes\n"
            "include passwords and multi-factor authentication, the review of user accounts, "
            "the handling\n"
            "of laptops and removable media.\n"
            "- **Need to know**: people see the customer data they need for the task in\n"
            "  front of them and nothing else.\n"
            "Access to our systems is granted only where the job needs it, and only by\n"
            "Calder Reeve's service desk.\n"
            "Version 4.0\nApproved: CEO")
    sentences = split_sentences(text)
    assert [" ".join(s.split()) for s in sentences] == [
        "Common topics in such programmes include passwords and multi-factor authentication, "
        "the review of user accounts, the handling of laptops and removable media.",
        "**Need to know**: people see the customer data they need for the task in front of them "
        "and nothing else.",
        "Access to our systems is granted only where the job needs it, and only by Calder "
        "Reeve's service desk.",
    ]
    assert all(s in text for s in sentences)  # verbatim, line breaks included


def test_short_lines_that_start_a_capital_are_not_joined() -> None:
    lines = ["Access review completed for all systems", "Reviewer signed the form on 2026-03-01",
             "Exceptions raised for three leaver accounts"]
    assert split_sentences("\n".join(lines)) == lines
