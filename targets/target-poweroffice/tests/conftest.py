"""The PowerOffice GO emulator for a test module, and a client on its freshly seeded demo data."""
from __future__ import annotations

import httpx
import pytest
from talk_sandbox.processes import running

from target_poweroffice.client import PowerOfficeClient

KEYS = {"application_key": "sandbox-application-key", "client_key": "sandbox-client-key",
        "subscription_key": "sandbox-subscription-key"}


@pytest.fixture(scope="module")
def url(tmp_path_factory):
    with running(["poweroffice"], tmp_path_factory.mktemp("poweroffice")) as urls:
        yield urls["poweroffice"]


@pytest.fixture()
def client(url):
    httpx.post(f"{url}/_sandbox/reset").raise_for_status()
    httpx.post(f"{url}/_sandbox/seed").raise_for_status()
    client = PowerOfficeClient({"base_url": f"{url}/v2", **KEYS})
    yield client
    client.close()
