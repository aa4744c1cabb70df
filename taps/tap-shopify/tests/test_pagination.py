"""Paging, incremental runs and cost-budget pacing: the parts of the tap most likely to break."""
from __future__ import annotations

import contextlib
import io
import json
import time

from tap_shopify.tap import TapShopify

from shopify_sandbox import tap_config


def run_tap(config: dict, state: dict | None = None) -> tuple[dict[str, list[dict]], dict]:
    """Run the tap in-process; (records per stream, final state)."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        TapShopify(config=config, state=state).sync_all()
    records: dict[str, list[dict]] = {}
    final_state: dict = {}
    for line in out.getvalue().splitlines():
        message = json.loads(line)
        if message["type"] == "RECORD":
            records.setdefault(message["stream"], []).append(message["record"])
        elif message["type"] == "STATE":
            final_state = message["value"]
    return records, final_state


def graphql_requests(log: list[dict], root: str) -> list[dict]:
    return [e for e in log if e.get("root_fields") == [root]]


def test_customers_arrive_over_several_pages(sandbox):
    sandbox.reset(demo=False)
    sandbox.seed(customers=23, products=2, orders=2)
    sandbox.clear_log()

    records, _ = run_tap(tap_config(page_size=5, bulk_threshold=0))

    ids = [r["id"] for r in records["customers"]]
    assert len(ids) == 23 == len(set(ids))
    assert [r["updatedAt"] for r in records["customers"]] == sorted(r["updatedAt"] for r in records["customers"])
    assert len(graphql_requests(sandbox.log(), "customers")) == 5  # 5+5+5+5+3
    assert len(records["orders"][0]["lineItems"]) == 2


def test_second_run_reads_only_what_changed(sandbox):
    sandbox.reset(demo=False)
    sandbox.seed(customers=12, products=3, orders=0)
    first, state = run_tap(tap_config(page_size=4, bulk_threshold=0))
    assert len(first["customers"]) == 12
    bookmark_ids = {r["id"] for r in first["customers"] if r["updatedAt"] == max(x["updatedAt"] for x in first["customers"])}

    time.sleep(1.1)  # timestamps have second precision, as Shopify's do
    changed = [first["customers"][0]["id"], first["customers"][5]["id"]]
    for n, customer_id in enumerate(changed):
        answer = sandbox.graphql(
            "mutation($input: CustomerInput!) { customerUpdate(input: $input) { userErrors { message } } }",
            {"input": {"id": customer_id, "note": f"changed {n}"}},
        )
        assert answer["data"]["customerUpdate"]["userErrors"] == []

    second, _ = run_tap(tap_config(page_size=4, bulk_threshold=0), state=state)

    got = {r["id"] for r in second["customers"]}
    # `updated_at:>=` re-reads the record(s) at the bookmark itself; nothing else unchanged comes back.
    assert set(changed) <= got <= set(changed) | bookmark_ids
    assert {r["note"] for r in second["customers"] if r["id"] in changed} == {"changed 0", "changed 1"}
    assert {r["id"] for r in second.get("product_variants", [])} <= {r["id"] for r in first["product_variants"]}


def test_a_small_cost_budget_is_paced_not_stormed(sandbox):
    sandbox.reset(demo=False)
    sandbox.seed(customers=0, products=60, orders=0)
    sandbox.settings(cost_bucket_max=400, cost_restore_rate=200)
    sandbox.clear_log()
    sandbox.http.delete("/_sandbox/shopify/throttles")
    try:
        records, _ = run_tap(tap_config(bulk_threshold=0))
    finally:
        sandbox.settings(cost_bucket_max=2000, cost_restore_rate=100)

    assert len({r["productId"] for r in records["product_variants"]}) == 60
    product_calls = graphql_requests(sandbox.log(), "products")
    assert len(product_calls) >= 6  # pages shrank to fit a 400-point bucket
    counts = sandbox.http.get("/_sandbox/shopify/throttles").json()
    # THROTTLED comes with HTTP 200, so the emulator counts those answers itself.
    assert counts["throttled"] <= 2
    assert counts["max_cost_exceeded"] == 0
