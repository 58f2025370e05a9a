"""The fake OpenAI API for the real-client tests of this folder (``fake_providers``)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from fake_providers import fake_provider


@pytest.fixture
def fake_openai() -> Iterator[str]:
    """The fake provider's OpenAI base URL, as ``OPENAI_BASE_URL`` wants it."""
    with fake_provider() as (base, _answered):
        yield f"{base}/v1"
