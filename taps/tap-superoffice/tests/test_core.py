"""singer-sdk's standard tap tests against the SuperOffice emulator with its demo data."""
from __future__ import annotations

import httpx
import pytest
from singer_sdk.testing import get_tap_test_class
from talk_sandbox.harness import SECRETS
from talk_sandbox.processes import free_port, running
from talk_sandbox.superoffice import keys

from tap_superoffice.tap import TapSuperOffice

# The test class needs its config when it is defined, so the port is chosen first.
URL = f"http://127.0.0.1:{free_port()}"
CONFIG = {
    "base_url": URL,
    "context_id": "Cust12345",
    "client_secret": SECRETS["superoffice"][0],
    "system_user_token": SECRETS["superoffice"][1],
    "private_key": keys.demo_app_private_pem().decode(),
    "start_date": "2000-01-01T00:00:00Z",
    "sale_statuses": ["Open", "Sold"],
}


@pytest.fixture(scope="module", autouse=True)
def demo_sandbox(tmp_path_factory):
    port = int(URL.rsplit(":", 1)[1])
    with running(["superoffice"], tmp_path_factory.mktemp("superoffice"), ports={"superoffice": port}):
        httpx.post(f"{URL}/_sandbox/seed", timeout=60).raise_for_status()
        yield


TestTapSuperOffice = get_tap_test_class(TapSuperOffice, config=CONFIG)
