"""Reviewing scanned evidence: a poorly read scan never alone meets a facet, the page image
is shown beside the OCR'd text, and search through the API says what OCR read and how well.

The scans are generated (tests/scans.py); "poorly read" is set by the threshold setting,
so the same real OCR output is scored once under a lenient and once under a strict one.
"""

from __future__ import annotations

import io
from dataclasses import replace
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from PIL import Image

from service.components.catalog import build_registry
from service.domain.assessment import FacetStatus, Proposal, ProposalStatus
from service.pipeline.context import PipelineContext
from service.pipeline.documents import delete_document
from service.pipeline.ingest import Ingestor
from service.pipeline.originals import page_cache
from service.pipeline.scoring_setup import build_scorer
from tests.api_helpers import Api, api_settings
from tests.conftest import CachingEmbedder, ContextFactory
from tests.scans import write_scanned_pdf, write_scanned_png
from tests.web_helpers import sign_in

pytestmark = pytest.mark.integration

POLICY_PAGE = (
    "Access Control Policy\n"
    "This access control policy defines access rules based on need-to-know and least "
    "privilege for all systems and premises.\n"
    "Role definitions document which access rights each job role receives."
)
DEVIATION = "Deviation DV-0192 was reviewed and closed by quality assurance on 2026-03-20."


def propose(context: PipelineContext, workspace: str, ref: str, minimum: float) -> Proposal:
    """A5.15 scored with ``scoring.ocr_min_confidence`` set to ``minimum``."""
    scoring = context.settings.scoring.model_copy(
        update={"ocr_min_confidence": minimum, "verify": False})
    strict = replace(context, settings=context.settings.model_copy(update={"scoring": scoring}))
    registry = build_registry(strict.settings)
    framework = registry.get("iso27001-2022").framework
    scorer, retriever = build_scorer(strict, workspace,
                                     registry.scale(framework.default_scale), None)
    requirement = registry.requirement("iso27001-2022", ref)
    retriever.prepare([requirement])
    return scorer.propose(requirement)


def test_a_poorly_read_scan_is_never_the_only_support_of_a_met_facet(
    make_context: ContextFactory, cached_embedder: CachingEmbedder, tmp_path: Path
) -> None:
    context = make_context(embedder=cached_embedder)
    scan = write_scanned_pdf(tmp_path / "scan_0007.pdf", [POLICY_PAGE])
    assert Ingestor(context, "qa").ingest(scan, scan.name).status == "indexed"

    lenient = propose(context, "qa", "A.5.15", minimum=0)
    met = [f for f in lenient.facets if f.status == FacetStatus.MET]
    assert met, "the scanned policy should meet a documentation facet when trusted"

    strict = propose(context, "qa", "A.5.15", minimum=99.5)  # above any real reading
    assert not [f for f in strict.facets if f.status == FacetStatus.MET]
    assert strict.maturity <= lenient.maturity and strict.maturity < 3
    held = {f.id: f for f in strict.facets}
    for facet in met:
        assert held[facet.id].status == FacetStatus.PARTIAL
        note = held[facet.id].note
        assert "read by OCR" in note and "scan_0007.pdf, page 1" in note
    assert strict.status == ProposalStatus.FLAGGED
    assert any("ASSAY_SCORING__OCR_MIN_CONFIDENCE" in gap for gap in strict.gaps)
    assert strict.provenance.thresholds["ocr_min_confidence"] == 99.5


def test_the_passage_view_shows_the_scanned_page_beside_the_text(
    web: tuple[TestClient, dict[str, str]], tmp_path: Path
) -> None:
    client, tokens = web
    csrf = sign_in(client, tokens["axel"])
    headers = {"X-CSRF-Token": csrf, "Accept": "application/json"}
    scan = write_scanned_pdf(tmp_path / "scan_0042.pdf", [POLICY_PAGE, DEVIATION])
    uploaded = client.post("/w/qa/documents/upload", headers=headers,
                           files={"file": (scan.name, scan.read_bytes())})
    assert uploaded.status_code == 200 and uploaded.json()["status"] == "indexed"
    document_id = uploaded.json()["id"]
    context: PipelineContext = client.app.state.services.context  # type: ignore[attr-defined]
    [chunk] = [c for c in context.store.chunks("qa") if c.page == 2]

    view = client.get(f"/w/qa/passages/{chunk.chunk_id}")
    url = f"/w/qa/documents/{document_id}/pages/2"
    assert view.status_code == 200
    assert f'src="{url}"' in view.text and "beside-scan" in view.text and "OCR" in view.text
    image = client.get(url)
    assert image.status_code == 200 and image.headers["content-type"] == "image/png"
    with Image.open(io.BytesIO(image.content)) as page:
        assert max(page.size) == 1400
    assert len(list(page_cache(context).glob("*-2-1400.png"))) == 1
    assert client.get(url).content == image.content  # the cached rendering

    assert client.get(f"/w/qa/documents/{document_id}/pages/3").status_code == 404
    assert client.get(f"/w/qa/documents/{document_id}/pages/0").status_code == 422
    assert client.get(f"/w/other/documents/{document_id}/pages/2").status_code in (403, 404)
    sign_in(client, tokens["admin"])  # may enter every workspace; the page is not in "other"
    assert client.get(f"/w/other/documents/{document_id}/pages/2").status_code == 404
    client.cookies.clear()
    assert client.get(url, follow_redirects=False).status_code in (303, 401)

    delete_document(context, "qa", document_id)
    assert not list(page_cache(context).glob("*-2-1400.png"))


def test_api_search_says_what_ocr_read_and_how_well(
    tmp_path: Path, cached_embedder: CachingEmbedder
) -> None:
    with Api(api_settings(tmp_path / "data"), cached_embedder) as api:
        api.workspace("qa")
        scanned = api.upload("qa", write_scanned_png(tmp_path / "policy.png", POLICY_PAGE))
        assert scanned.status_code == 201, scanned.text
        typed = tmp_path / "notes.md"
        typed.write_text("# Notes\n\nAccess rights are reviewed by each system owner.\n")
        assert api.upload("qa", typed).status_code == 201
        hits = api.ok("GET", "/workspaces/qa/search",
                      params={"q": "access rules based on least privilege", "k": 5})["results"]
        found = {h["document"]: h for h in hits}
        assert found["policy.png"]["page"] == 1 and found["policy.png"]["ocr"] is True
        assert 60 < found["policy.png"]["ocr_confidence"] <= 100
        assert found["policy.png"]["ocr_low"] is False
        assert {k: found["notes.md"][k] for k in ("ocr", "ocr_confidence", "ocr_low")} == {
            "ocr": False, "ocr_confidence": None, "ocr_low": False}
        retrieved = api.ok("POST", "/workspaces/qa/retrieve", json={
            "framework": "iso27001-2022", "requirements": ["A.5.15"]})["results"][0]
        scans = [e for e in retrieved["evidence"] if e["document"] == "policy.png"]
        assert scans and scans[0]["ocr"] is True and scans[0]["ocr_confidence"] > 60
