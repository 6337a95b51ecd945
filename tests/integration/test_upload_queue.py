"""Uploads waiting to be ingested are bounded per user: one more is refused with 429."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.api_helpers import Api, api_settings
from tests.integration.test_ingest_consistency import GatedEmbedder

pytestmark = pytest.mark.integration


def test_the_upload_queue_is_bounded_per_user(tmp_path: Path) -> None:
    gated = GatedEmbedder()
    settings = api_settings(tmp_path / "data",
                            api={"background_upload_bytes": 1, "max_pending_uploads": 2})
    files = []
    for n in range(4):
        path = tmp_path / f"policy-{n}.md"
        path.write_text(f"# Policy {n}\n\nBackups number {n} are copied offsite nightly.\n")
        files.append(path)
    with Api(settings, gated) as api:
        api.workspace("acme")
        other = api.member("axel", "acme", role="assessor")
        try:
            jobs = [api.upload("acme", path) for path in files[:2]]
            assert [r.status_code for r in jobs] == [202, 202]
            refused = api.upload("acme", files[2])
            assert refused.status_code == 429, refused.text
            message = refused.json()["error"]["message"]
            assert "2 uploads waiting to be ingested" in message
            assert "ASSAY_API__MAX_PENDING_UPLOADS" in message
            assert api.upload("acme", files[2], other).status_code == 202  # per user
        finally:
            gated.release.set()
        assert [api.wait(r.json()["id"])["state"] for r in jobs] == ["done"] * 2
        assert api.upload("acme", files[3]).status_code == 202
