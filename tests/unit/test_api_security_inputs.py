"""Bad input of the security review answers a 4xx in the usual shape, never a 500."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from service.components.embedding import FakeEmbedder
from service.pipeline.originals import ORIGINALS
from tests.api_helpers import Api, api_settings
from tests.web_helpers import sign_in

HUGE = str(2**63 + 5)


@pytest.fixture
def api(tmp_path: Path) -> Iterator[Api]:
    with Api(api_settings(tmp_path / "data"), FakeEmbedder()) as client:
        yield client


def _error(api: Api, method: str, url: str, status: int) -> None:
    answer = api.call(method, url)
    assert answer.status_code == status, (url, answer.text)
    assert set(answer.json()["error"]) == {"code", "message"}


def test_ids_and_sequence_numbers_past_64_bits_are_refused(api: Api) -> None:
    _error(api, "DELETE", f"/users/admin/tokens/{HUGE}", 422)
    _error(api, "GET", f"/audit?after={HUGE}", 422)


def test_the_web_audit_page_refuses_a_huge_after(api: Api) -> None:
    sign_in(api.client, api.admin)
    answer = api.client.get(f"/audit-log?after={HUGE}", follow_redirects=False)
    assert answer.status_code == 422


def test_a_missing_original_is_a_404(api: Api, tmp_path: Path) -> None:
    api.workspace("qa")
    source = tmp_path / "policy.md"
    source.write_text("# Access\n\nAccess rights are reviewed every quarter by owners.\n")
    api.upload("qa", source)
    [document] = api.ok("GET", "/workspaces/qa/documents")["documents"]
    for stored in (api.settings.data_dir / ORIGINALS).rglob("*"):
        if stored.is_file():
            stored.unlink()
    _error(api, "GET", f"/workspaces/qa/documents/{document['id']}/original", 404)
