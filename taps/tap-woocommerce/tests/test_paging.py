"""Paging, incremental runs, authentication and slow or failing hosts: the tap's tricky parts."""
from __future__ import annotations

import time

import pytest
from singer_sdk.testing.runners import TapTestRunner

from tap_woocommerce.auth import oauth1_params, signature_base_string
from tap_woocommerce.tap import TapWooCommerce

from woocommerce_sandbox import tap_config


def run_tap(config: dict, state: dict | None = None) -> tuple[dict[str, list[dict]], dict]:
    """Run the tap in-process with the SDK's own runner; (records per stream, final state)."""
    runner = TapTestRunner(TapWooCommerce, config=config, state=state)
    runner.sync_all()
    return dict(runner.records), (runner.state_messages[-1]["value"] if runner.state_messages else {})


def calls(log: list[dict], collection: str) -> list[dict]:
    return [e for e in log if e["path"] == f"/wp-json/wc/v3/{collection}"]


@pytest.fixture
def sized(demo):
    demo.reset(demo=False)
    demo.seed(customers=23, products=7, orders=4)
    demo.clear_log()
    return demo


def test_every_page_is_read_once_in_id_order(sized):
    records, _ = run_tap(tap_config(page_size=5))
    ids = [r["id"] for r in records["customers"]]
    assert len(ids) == 23 == len(set(ids)) and ids == sorted(ids)
    pages = calls(sized.log(), "customers")
    assert len(pages) == 5 and all("per_page=5" in p["query"] for p in pages)
    assert all(order["line_items"] for order in records["orders"])
    assert all(r["date_modified_gmt"].endswith("+00:00") for stream in records.values() for r in stream)


def test_a_second_run_emits_only_what_changed(sized):
    first, state = run_tap(tap_config())
    newest = max(r["date_modified_gmt"] for r in first["customers"])
    at_bookmark = {r["id"] for r in first["customers"] if r["date_modified_gmt"] == newest}
    time.sleep(1.1)  # whole-second timestamps, as WooCommerce's
    changed = [first["customers"][0]["id"], first["customers"][7]["id"]]
    for customer_id in changed:
        assert sized.api("PUT", f"/customers/{customer_id}", json={"first_name": "Endret"}).status_code == 200
    sized.clear_log()

    second, _ = run_tap(tap_config(), state=state)

    got = {r["id"] for r in second.get("customers", [])}
    assert set(changed) <= got <= set(changed) | at_bookmark
    assert len(calls(sized.log(), "customers")) == 1  # 23 customers: one page, all read, two emitted
    for collection in ("products", "orders"):
        (call,) = calls(sized.log(), collection)
        assert "modified_after=" in call["query"] and "dates_are_gmt=true" in call["query"]
    assert len(second.get("products", [])) <= len(first["products"])


@pytest.mark.parametrize("signature_method", ["HMAC-SHA1", "HMAC-SHA256"])
def test_plain_http_is_signed_with_oauth1(demo, signature_method):
    records, _ = run_tap(tap_config(auth_method="auto", signature_method=signature_method))
    assert records["customers"]
    assert not any("consumer_secret" in (e["query"] or "") for e in demo.log())


def test_wrong_secret_is_refused_without_showing_it(demo):
    with pytest.raises(Exception) as failure:
        run_tap(tap_config(consumer_secret="cs_wrong_secret_value"))
    assert "401" in str(failure.value) and "cs_wrong_secret_value" not in str(failure.value)


def test_signature_base_string_follows_rfc5849():
    base = signature_base_string("get", "HTTP://Shop.Example:80/wp-json/wc/v3/orders",
                                 [("per_page", "100"), ("modified_after", "2024-01-01T10:00:00"), ("oauth_nonce", "n")])
    assert base == ("GET&http%3A%2F%2Fshop.example%3A80%2Fwp-json%2Fwc%2Fv3%2Forders&"
                    "modified_after%3D2024-01-01T10%253A00%253A00%26oauth_nonce%3Dn%26per_page%3D100")
    params = oauth1_params("GET", "http://shop.example/x?a=1", "ck", "cs", "HMAC-SHA1", timestamp=1, nonce="n")
    assert set(params) == {"oauth_consumer_key", "oauth_nonce", "oauth_signature_method", "oauth_timestamp", "oauth_signature"}


def test_a_host_that_wants_a_user_agent_gets_one(demo):
    demo.settings(require_user_agent=True)
    try:
        records, _ = run_tap(tap_config())
    finally:
        demo.settings(require_user_agent=False)
    assert records["customers"]


def test_slow_and_failing_responses_are_retried_a_bounded_number_of_times(demo):
    demo.fault(path_prefix="/wp-json/wc/v3/products", status=503, times=2)
    records, _ = run_tap(tap_config(timeout=5))
    assert records["products"]
    demo.settings(response_delay_seconds=1.5)
    try:
        started = time.monotonic()
        with pytest.raises(Exception):
            run_tap(tap_config(timeout=0.5))
        assert time.monotonic() - started < 120  # gave up after its retries
    finally:
        demo.settings(response_delay_seconds=0)
