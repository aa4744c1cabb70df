"""The WooCommerce sandbox for the client tests: one emulator per module, emptied per test, and a
WooCommerceClient signed in to it."""
from __future__ import annotations

import httpx
import pytest
from talk_sandbox.harness import SECRETS
from talk_sandbox.processes import running

from target_woocommerce.client import WooCommerceClient


@pytest.fixture(scope="module")
def sandbox_url(tmp_path_factory):
    with running(["woocommerce"], tmp_path_factory.mktemp("woocommerce-target")) as urls:
        yield urls["woocommerce"]


@pytest.fixture
def client(sandbox_url):
    httpx.post(f"{sandbox_url}/_sandbox/reset").raise_for_status()
    httpx.delete(f"{sandbox_url}/_sandbox/log")
    woo = WooCommerceClient({"base_url": sandbox_url, "consumer_key": SECRETS["woocommerce"][0],
                             "consumer_secret": SECRETS["woocommerce"][1]})
    yield woo
    woo.close()
