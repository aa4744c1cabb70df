"""Over plain HTTP a WooCommerce shop takes only one-legged OAuth 1.0a signatures: HMAC-SHA1 or
-SHA256, a fresh timestamp and a nonce used once. The signer here follows the OAuth 1.0a spec
(RFC 5849), as client libraries do, independently of the emulator's code."""
from __future__ import annotations

import base64
import hashlib
import hmac
import time
import uuid
from urllib.parse import quote

import httpx
import pytest

from talk_sandbox.processes import running

KEY, SECRET = "ck_sandbox_consumer_key_0123456789abcdef", "cs_sandbox_consumer_secret_0123456789abcdef"
API = "/wp-json/wc/v3"


def pct(text: str) -> str:
    return quote(str(text), safe="~-._")


def signed(method: str, url: str, params: dict, algorithm: str = "HMAC-SHA1", secret: str = SECRET,
           timestamp: int | None = None, nonce: str | None = None) -> dict:
    """`params` plus the oauth_* parameters and their signature (RFC 5849 section 3.4)."""
    oauth = {"oauth_consumer_key": KEY, "oauth_nonce": nonce or uuid.uuid4().hex, "oauth_signature_method": algorithm,
             "oauth_timestamp": str(timestamp or int(time.time()))}
    everything = {**params, **oauth}
    normalized = "&".join(f"{k}={v}" for k, v in sorted((pct(k), pct(v)) for k, v in everything.items()))
    base = "&".join([method.upper(), pct(url), pct(normalized)])
    digest = hashlib.sha1 if algorithm == "HMAC-SHA1" else hashlib.sha256
    signature = base64.b64encode(hmac.new(f"{secret}&".encode(), base.encode(), digest).digest()).decode()
    return {**everything, "oauth_signature": signature}


@pytest.fixture(scope="module")
def shop(tmp_path_factory):
    with running(["woocommerce"], tmp_path_factory.mktemp("woocommerce-http")) as urls:
        with httpx.Client(base_url=urls["woocommerce"], timeout=10) as client:
            client.post("/_sandbox/reset")
            client.post("/_sandbox/seed")
            yield client


def url(shop, path: str) -> str:
    return str(shop.base_url).rstrip("/") + path


def call(shop, method: str, path: str, params: dict | None = None, **signing) -> httpx.Response:
    return shop.request(method, path, params=signed(method, url(shop, path), params or {}, **signing))


@pytest.mark.parametrize("algorithm", ["HMAC-SHA1", "HMAC-SHA256"])
def test_signed_requests_are_accepted(shop, algorithm):
    answer = call(shop, "GET", f"{API}/products", {"sku": "SKU-1001,SKU-1002", "per_page": "5"}, algorithm=algorithm)
    assert answer.status_code == 200, answer.text
    assert sorted(p["sku"] for p in answer.json()) == ["SKU-1001", "SKU-1002"]


def test_signature_in_the_authorization_header(shop):
    path = f"{API}/customers"
    oauth = signed("GET", url(shop, path), {"search": "nordmann"})
    params = {"search": oauth.pop("search")}
    header = "OAuth " + ", ".join(f'{k}="{pct(v)}"' for k, v in oauth.items())
    answer = shop.get(path, params=params, headers={"Authorization": header})
    assert answer.status_code == 200 and len(answer.json()) == 2


def test_refusals(shop):
    def refused(answer: httpx.Response, message: str) -> None:
        assert answer.status_code == 401, answer.text
        assert answer.json()["code"] == "woocommerce_rest_authentication_error" and answer.json()["message"] == message

    refused(call(shop, "GET", f"{API}/orders", secret="cs_wrong"), "Invalid signature - provided signature does not match.")
    refused(call(shop, "GET", f"{API}/orders", timestamp=int(time.time()) - 16 * 60), "Invalid timestamp.")
    assert call(shop, "GET", f"{API}/orders", nonce="once-only").status_code == 200
    refused(call(shop, "GET", f"{API}/orders", nonce="once-only"), "Invalid nonce - nonce has already been used.")
    missing = shop.get(f"{API}/orders", params={"oauth_consumer_key": KEY})
    assert missing.json()["code"] == "woocommerce_rest_authentication_missing_parameter"
    # Basic auth and key parameters count on HTTPS only: over HTTP the request is anonymous.
    for answer in (shop.get(f"{API}/orders", auth=(KEY, SECRET)),
                   shop.get(f"{API}/orders", params={"consumer_key": KEY, "consumer_secret": SECRET})):
        assert answer.status_code == 401 and answer.json()["code"] == "woocommerce_rest_cannot_view"
        assert SECRET not in answer.text


def test_signed_write(shop):
    created = call(shop, "POST", f"{API}/customers")  # empty body: a missing email
    assert created.status_code == 400 and created.json()["code"] == "rest_missing_callback_param"
    path = f"{API}/customers"
    answer = shop.post(path, params=signed("POST", url(shop, path), {}), json={"email": "oauth@example.no"})
    assert answer.status_code == 201 and answer.json()["email"] == "oauth@example.no"
