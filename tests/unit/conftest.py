"""Unit tests are fast: none of them loads the real embedding model (integration tests do)."""

from __future__ import annotations

import pytest

from service.components.embedding import LocalEmbedder


@pytest.fixture(scope="session")
def real_embedder() -> LocalEmbedder:
    """Refused here: a test that needs the real model belongs in tests/integration."""
    pytest.fail("unit tests use the fake embedder; the real model belongs in tests/integration")
