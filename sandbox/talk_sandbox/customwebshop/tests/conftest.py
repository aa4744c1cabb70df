"""The Custom Webshop emulator as a client uses it: one per module, demo data fresh per test."""
from __future__ import annotations

import httpx
import pytest

from talk_sandbox.processes import running

KEY = {"X-API-Key": "cws_sandbox_api_key_0123456789"}


@pytest.fixture(scope="module")
def shop(tmp_path_factory):
    with running(["customwebshop"], tmp_path_factory.mktemp("customwebshop-emulator")) as urls:
        with httpx.Client(base_url=urls["customwebshop"], timeout=10) as client:
            yield client


@pytest.fixture
def api(shop):
    shop.post("/_sandbox/reset")
    shop.post("/_sandbox/settings", json={"rate_limit_per_second": 0, "defects": []})
    shop.post("/_sandbox/seed")
    return shop


def get(api, path, **params):
    return api.get(f"/api/v1{path}", params=params, headers=KEY)
