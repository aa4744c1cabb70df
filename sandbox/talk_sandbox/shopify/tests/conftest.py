"""The Shopify emulator for the test modules that use it as a client would (deletes, inventory,
variants, limits): one emulator per module, bulk operations without their artificial delay."""
from __future__ import annotations

import httpx
import pytest

from talk_sandbox.processes import running


@pytest.fixture(scope="module")
def shop(tmp_path_factory):
    with running(["shopify"], tmp_path_factory.mktemp("shopify")) as urls:
        with httpx.Client(base_url=urls["shopify"], timeout=30) as client:
            client.post("/_sandbox/settings", json={"bulk_delay_seconds": 0})
            yield client


@pytest.fixture()
def demo(shop):
    """The demo shop, fresh for each test."""
    shop.post("/_sandbox/reset")
    shop.post("/_sandbox/seed")
