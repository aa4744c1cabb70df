"""All four emulators for the tests that check what every sandbox shares (admin API, faults),
each with a client that already carries its system's credentials."""
from __future__ import annotations

import ssl

import httpx
import pytest

from talk_sandbox.processes import certificate, running

SUBSCRIPTION = {"Ocp-Apim-Subscription-Key": "sandbox-subscription-key"}
POWEROFFICE_KEYS = ("sandbox-application-key", "sandbox-client-key")
WOOCOMMERCE_KEYS = ("ck_sandbox_consumer_key_0123456789abcdef", "cs_sandbox_consumer_secret_0123456789abcdef")


@pytest.fixture(scope="module")
def sandboxes(tmp_path_factory) -> dict[str, httpx.Client]:
    plain, secure = tmp_path_factory.mktemp("sandboxes"), tmp_path_factory.mktemp("sandboxes-tls")
    # WooCommerce takes Basic auth only over https (over http it wants OAuth 1.0a signatures).
    with running(["poweroffice", "shopify", "customwebshop"], plain) as urls, \
            running(["woocommerce"], secure, tls=True) as tls_urls:
        httpx.post(f"{urls['poweroffice']}/_sandbox/settings", json={"requests_per_second": 0})
        grant = httpx.post(f"{urls['poweroffice']}/OAuth/Token", auth=POWEROFFICE_KEYS, headers=SUBSCRIPTION,
                           data={"grant_type": "client_credentials"})
        clients = {
            "poweroffice": httpx.Client(base_url=urls["poweroffice"], timeout=10, headers={
                **SUBSCRIPTION, "Authorization": f"Bearer {grant.json()['access_token']}"}),
            "shopify": httpx.Client(base_url=urls["shopify"], timeout=10,
                                    headers={"X-Shopify-Access-Token": "shpat_sandbox_token"}),
            "woocommerce": httpx.Client(base_url=tls_urls["woocommerce"], timeout=10, auth=WOOCOMMERCE_KEYS,
                                        verify=ssl.create_default_context(cafile=str(certificate(secure)))),
            "customwebshop": httpx.Client(base_url=urls["customwebshop"], timeout=10,
                                          headers={"X-API-Key": "cws_sandbox_api_key_0123456789"}),
        }
        yield clients
        for client in clients.values():
            client.close()


@pytest.fixture(scope="module")
def poweroffice_base(tmp_path_factory) -> str:
    """One PowerOffice GO emulator for a module, unpaced."""
    with running(["poweroffice"], tmp_path_factory.mktemp("poweroffice")) as urls:
        httpx.post(f"{urls['poweroffice']}/_sandbox/settings", json={"requests_per_second": 0})
        yield urls["poweroffice"]


@pytest.fixture()
def poweroffice_api(poweroffice_base):
    """Its v2 API on freshly seeded demo data, with a token."""
    httpx.post(f"{poweroffice_base}/_sandbox/reset")
    httpx.post(f"{poweroffice_base}/_sandbox/seed")
    grant = httpx.post(f"{poweroffice_base}/OAuth/Token", auth=POWEROFFICE_KEYS, headers=SUBSCRIPTION,
                       data={"grant_type": "client_credentials"})
    with httpx.Client(base_url=f"{poweroffice_base}/v2",
                      headers={**SUBSCRIPTION, "Authorization": f"Bearer {grant.json()['access_token']}"}) as client:
        yield client
