"""Schemathesis against the live ASGI app: generated requests, bounded, never a 500.

The schema must describe every response (the error shape included), so the responses are
also checked against it. Runs on the scripted LLM and deterministic embeddings: the
subject is the API's plumbing, not the models.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import APIOperation, Case
from schemathesis.checks import not_a_server_error
from schemathesis.core.result import Ok
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from service.components.embedding import FakeEmbedder
from tests.api_helpers import Api, api_settings
from tests.conftest import SAMPLES

pytestmark = pytest.mark.integration
MAX_EXAMPLES = 8
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance]


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    data_dir: Path = tmp_path_factory.mktemp("api-fuzz")
    with Api(api_settings(data_dir, scoring={"verify": False}), FakeEmbedder()) as client:
        client.workspace("qa")
        assert client.upload("qa", SAMPLES / "supplier_security_policy.md").status_code == 201
        yield client


def fuzz_operation(
    api: Api, operation: APIOperation[Any, Any, Any, Any], mode: schemathesis.GenerationMode
) -> None:
    """Up to MAX_EXAMPLES generated requests to one operation, each checked."""

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(max_examples=MAX_EXAMPLES, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    def run(case: Case[Any]) -> None:
        case.call_and_validate(headers={"Authorization": f"Bearer {api.admin}"}, checks=CHECKS)

    run()


def test_no_request_makes_the_api_fail(api: Api) -> None:
    schema = schemathesis.openapi.from_asgi("/openapi.json", api.client.app)
    failures: dict[str, str] = {}
    results = list(schema.get_all_operations())
    operations = [result.ok() for result in results if isinstance(result, Ok)]
    assert len(operations) == len(results)
    assert len(operations) >= 35
    for operation in operations:
        for mode in (schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE):
            try:
                fuzz_operation(api, operation, mode)
            except Unsatisfiable:  # nothing negative to send, e.g. GET /health
                continue
            except (Exception, BaseExceptionGroup) as error:  # every failing operation
                failures[f"{operation.label} ({mode.value})"] = str(error)[:2000]
    assert not failures, "\n\n".join(f"{k}:\n{v}" for k, v in failures.items())
