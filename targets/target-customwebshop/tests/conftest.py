"""The Custom Webshop emulator on loopback, one per test module, and clients of it."""
from __future__ import annotations

import pytest
from talk_sandbox.admin import SandboxAdmin
from talk_sandbox.processes import running

from target_customwebshop.client import CustomWebshopClient

API_KEY = "cws_sandbox_api_key_0123456789"


@pytest.fixture(scope="module")
def url(tmp_path_factory):
    with running(["customwebshop"], tmp_path_factory.mktemp("customwebshop")) as urls:
        yield urls["customwebshop"]


@pytest.fixture()
def shop(url):
    """Its admin API, on the demo data."""
    admin = SandboxAdmin(url)
    admin.reset()
    yield admin
    admin.http.close()


def client_for(url: str, timeout: float = 10) -> CustomWebshopClient:
    return CustomWebshopClient({"base_url": f"{url}/api/v1", "api_key": API_KEY, "timeout": timeout})


@pytest.fixture()
def client(shop, url):
    """A CustomWebshopClient on the demo data."""
    client = client_for(url)
    yield client
    client.close()
