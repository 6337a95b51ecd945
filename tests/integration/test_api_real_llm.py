"""The review loop over HTTP once on the embedded local model, verifier on (a tiny subset)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.api_helpers import Api, api_settings
from tests.conftest import CachingEmbedder
from tests.integration.test_api_e2e import review_loop

pytestmark = [pytest.mark.integration, pytest.mark.real_llm]
SUBSET = ["A.8.13", "A.5.18"]
FILES = ("backup_restore_standard.pdf", "backup_restore_test_log_2026.csv")


def test_the_review_loop_on_the_local_model(
    tmp_path: Path, local_model_data_dir: Path, cached_embedder: CachingEmbedder
) -> None:
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    (data_dir / "models").symlink_to(local_model_data_dir / "models")
    # only candidates over the met cut-offs go to the model, and none of these samples'
    # sentences reaches the defaults: lowered here so that the verifier is asked
    settings = api_settings(data_dir, llm={"mode": "local"},
                            scoring={"met_threshold": 0.5, "record_met_threshold": 0.5})
    assert settings.scoring.verify
    with Api(settings, cached_embedder) as api:
        outcome = review_loop(api, SUBSET, FILES)
        llm = api.services.scoring_llm()
        assert llm is not None and llm.model_id.startswith("local:")
        assert llm.usage().calls > 0  # the verifier asked the model
        results = api.ok("GET", f"/workspaces/qa/assessments/{outcome['first']}")["results"]
        assert any(r["citations"] for r in results)
