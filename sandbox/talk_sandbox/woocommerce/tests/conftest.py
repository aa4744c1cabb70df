"""The WooCommerce emulator as a shop's REST client meets it: over HTTPS with the consumer key
and secret as Basic auth, one emulator per module."""
from __future__ import annotations

import ssl

import httpx
import pytest

from talk_sandbox.processes import certificate, running

KEYS = ("ck_sandbox_consumer_key_0123456789abcdef", "cs_sandbox_consumer_secret_0123456789abcdef")


@pytest.fixture(scope="module")
def shop(tmp_path_factory):
    directory = tmp_path_factory.mktemp("woocommerce")
    with running(["woocommerce"], directory, tls=True) as urls:
        assert urls["woocommerce"].startswith("https://")
        verify = ssl.create_default_context(cafile=str(certificate(directory)))
        with httpx.Client(base_url=urls["woocommerce"], verify=verify, auth=KEYS, timeout=10) as client:
            yield client
