"""Which passages an evidence answer quotes: the best, with a place kept for a record."""

from __future__ import annotations

from service.domain.evidence import Chunk
from service.pipeline.chat.evidence import Quote, disagrees, with_a_record


def quote(document: str) -> Quote:
    chunk = Chunk(chunk_id=document, workspace="qa", document_id=document, document=document,
                  index=0, text="Access reviews are held every quarter.")
    return Quote("", chunk, chunk.text)


def names(quotes: list[Quote]) -> list[str]:
    return [q.chunk.document for q in quotes]


def test_a_record_further_down_takes_the_last_place_from_policies() -> None:
    candidates = [quote(n) for n in ("access_control_policy.docx", "isms_manual.pdf",
                                     "joiners_procedure.md", "travel_policy.md",
                                     "access_review_minutes_2026_q3.docx")]
    assert names(with_a_record(candidates)) == [
        "access_control_policy.docx", "isms_manual.pdf", "access_review_minutes_2026_q3.docx"]


def test_the_best_passages_stay_when_a_record_is_among_them_or_none_is_found() -> None:
    with_record = [quote(n) for n in ("a_policy.md", "review_log.csv", "b_policy.md",
                                      "c_minutes.docx")]
    assert names(with_a_record(with_record)) == ["a_policy.md", "review_log.csv", "b_policy.md"]
    policies = [quote(n) for n in ("a_policy.md", "b_policy.md", "c_policy.md", "d_plan.md")]
    assert names(with_a_record(policies)) == names(policies[:3])
    assert names(with_a_record(policies[:2])) == names(policies[:2])


def test_a_sentence_must_report_a_failure_exactly_when_its_quote_does() -> None:
    failed = "Restore of the file server: the test failed."
    assert disagrees(failed, "The log confirms that backups can be restored.")
    assert disagrees(failed, "The log shows that the restore test failed.") is None
    passed = "Restore of the file server completed in 40 minutes."
    assert disagrees(passed, "The restore was not tested.")
    assert disagrees(passed, "The log shows a restore completed in 40 minutes.") is None
