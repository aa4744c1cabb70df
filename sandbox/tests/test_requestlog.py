"""The request log keeps what was asked, never the credentials that came with it."""
from __future__ import annotations

import httpx

from talk_sandbox.processes import running


def test_credentials_in_the_query_string_are_masked_in_the_log(tmp_path):
    with running(["woocommerce"], tmp_path) as urls:
        url = urls["woocommerce"]
        httpx.get(f"{url}/wp-json/wc/v3/customers", params={
            "per_page": 5, "consumer_key": "ck_live_visible", "consumer_secret": "cs_live_visible",
            "oauth_signature": "c2lnbmF0dXJl"}, headers={"User-Agent": "test"})
        entries = httpx.get(f"{url}/_sandbox/log").json()
    assert len(entries) == 1
    query = entries[0]["query"]
    assert "per_page=5" in query and "consumer_secret=***" in query
    for secret in ("ck_live_visible", "cs_live_visible", "c2lnbmF0dXJl"):
        assert secret not in query
