"""singer-sdk's standard tap tests against the PowerOffice GO emulator with its demo data."""
from __future__ import annotations

import httpx
import pytest
from singer_sdk.testing import get_tap_test_class
from talk_sandbox.processes import free_port, running

from tap_poweroffice.tap import TapPowerOffice

# The test class needs its config when it is defined, so the port is chosen first.
URL = f"http://127.0.0.1:{free_port()}"
CONFIG = {
    "base_url": f"{URL}/v2",
    "application_key": "sandbox-application-key",
    "client_key": "sandbox-client-key",
    "subscription_key": "sandbox-subscription-key",
    "start_date": "2000-01-01T00:00:00Z",
}


@pytest.fixture(scope="module", autouse=True)
def demo_sandbox(tmp_path_factory):
    port = int(URL.rsplit(":", 1)[1])
    with running(["poweroffice"], tmp_path_factory.mktemp("poweroffice"), ports={"poweroffice": port}):
        httpx.post(f"{URL}/_sandbox/seed", timeout=60).raise_for_status()
        yield


TestTapPowerOffice = get_tap_test_class(TapPowerOffice, config=CONFIG)
