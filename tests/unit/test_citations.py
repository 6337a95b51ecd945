"""Citation checks: a quote must be verbatim in a chunk that was retrieved."""

from __future__ import annotations

from service.domain.assessment import FacetFinding, FacetStatus
from service.domain.catalog import FacetKind
from service.domain.evidence import Chunk, Evidence, EvidenceKind
from service.pipeline.score.citations import citation_problems, citations_for, quote_in

TEXT = "Restore tests run every quarter.\nThe  CDS restore on\n2026-06-10 failed and was retested."
CHUNK = Chunk(chunk_id="doc:abc:00001", workspace="w", document_id="doc",
              document="restore_log.csv", index=1, text=TEXT, page=None,
              heading="Sheet > row 2", kind=EvidenceKind.RECORD)
EVIDENCE = [Evidence(chunk=CHUNK, score=0.8)]


def finding(n: int, quote: str | None, chunk_id: str | None = CHUNK.chunk_id) -> FacetFinding:
    return FacetFinding(id=f"X.1-f{n}", text="facet", kind=FacetKind.IMPLEMENTATION,
                        status=FacetStatus.MET if quote else FacetStatus.NOT_MET,
                        quote=quote, chunk_id=chunk_id if quote else None)


def test_quote_in_ignores_whitespace_differences_only() -> None:
    assert quote_in("The CDS restore on 2026-06-10 failed", TEXT)
    assert quote_in("  The CDS\trestore   on\n 2026-06-10 failed ", TEXT)
    assert quote_in("Restore tests run every quarter.", TEXT)
    assert not quote_in("Restore tests run every month.", TEXT)
    assert not quote_in("the cds restore on 2026-06-10 failed", TEXT)  # case is not whitespace
    assert not quote_in("TheCDS restore", TEXT)
    assert not quote_in("   ", TEXT)
    assert not quote_in("", TEXT)


def test_a_good_citation_has_no_problem_and_keeps_provenance() -> None:
    good = (finding(1, "Restore tests run every quarter."), finding(2, None))
    assert citation_problems(good, EVIDENCE) == []
    [citation] = citations_for(good, EVIDENCE)
    assert (citation.chunk_id, citation.document, citation.page, citation.heading,
            citation.quote) == (CHUNK.chunk_id, "restore_log.csv", None, "Sheet > row 2",
                                "Restore tests run every quarter.")


def test_a_chunk_not_retrieved_is_a_problem() -> None:
    stray = (finding(1, "Restore tests run every quarter.", "doc:abc:00099"),)
    assert citation_problems(stray, EVIDENCE) == [
        "X.1-f1: cites doc:abc:00099, which was not retrieved"]
    assert citations_for(stray, EVIDENCE) == []
    unnamed = (finding(1, "Restore tests run every quarter.", None),)
    assert len(citation_problems(unnamed, EVIDENCE)) == 1


def test_a_quote_not_in_its_chunk_is_a_problem() -> None:
    invented = (finding(1, "Restore tests run every week."),
                finding(2, "Restore tests run every quarter."))
    assert citation_problems(invented, EVIDENCE) == [
        f"X.1-f1: the quote is not in chunk {CHUNK.chunk_id}"]


def test_citations_are_one_per_distinct_quote() -> None:
    same = (finding(1, "Restore tests run every quarter."),
            finding(2, "Restore tests run every quarter."),
            finding(3, "was retested."))
    assert [c.quote for c in citations_for(same, EVIDENCE)] == [
        "Restore tests run every quarter.", "was retested."]
