"""The SuperOffice emulator for a test module, and a target client signed in as the sandbox's
system user on freshly seeded demo data (the emulator's log emptied)."""
from __future__ import annotations

import httpx
import pytest
from talk_sandbox.harness import SECRETS
from talk_sandbox.processes import running
from talk_sandbox.superoffice import keys

from target_superoffice.client import SuperOfficeTargetClient

CLIENT_SECRET, SYSTEM_USER_TOKEN, _ = SECRETS["superoffice"]


@pytest.fixture(scope="module")
def url(tmp_path_factory):
    with running(["superoffice"], tmp_path_factory.mktemp("superoffice")) as urls:
        yield urls["superoffice"]


@pytest.fixture()
def client(url):
    httpx.post(f"{url}/_sandbox/reset").raise_for_status()
    httpx.post(f"{url}/_sandbox/seed").raise_for_status()
    client = SuperOfficeTargetClient({"base_url": url, "context_id": "Cust12345", "client_secret": CLIENT_SECRET,
                                      "system_user_token": SYSTEM_USER_TOKEN,
                                      "private_key": keys.demo_app_private_pem().decode()})
    yield client
    client.close()
