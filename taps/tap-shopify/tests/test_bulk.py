"""Bulk reads: a stream with many records comes from one bulk operation, in the paged read's shape."""
from __future__ import annotations

import http.server
import json
import threading
import tracemalloc

import pytest
from tap_shopify.bulk import BulkRunner, BulkUnavailable, UngroupedResult, bulk_query, download_lines, grouped_nodes

from shopify_sandbox import tap_config
from test_pagination import run_tap

FAST = {"bulk_poll_interval": 0.05}


@pytest.fixture(scope="module", autouse=True)
def _demo_afterwards(sandbox):
    """Other modules' tests (the standard tap tests) expect the demo set."""
    yield
    sandbox.reset(demo=True)


def add_long_nested_connections(sandbox) -> None:
    """A product with 30 variants, an order with 12 lines, metafields: more than a first page of each."""
    product = sandbox.graphql(
        "mutation($input: ProductSetInput!) { productSet(input: $input) { product { id variants(first: 50) { nodes { id } } } userErrors { message } } }",
        {"input": {"title": "Mange varianter", "status": "ACTIVE",
                   "productOptions": [{"name": "Str", "values": [{"name": f"S{n}"} for n in range(30)]}],
                   "variants": [{"sku": f"MANY-{n}", "price": f"{100 + n}.00", "optionValues": [{"optionName": "Str", "name": f"S{n}"}]}
                                for n in range(30)],
                   "metafields": [{"namespace": "talk", "key": "global_id", "value": "p-many", "type": "single_line_text_field"}]}},
    )["data"]["productSet"]
    assert product["userErrors"] == [], product
    variants = [v["id"] for v in product["product"]["variants"]["nodes"]]
    order = sandbox.graphql(
        "mutation($order: OrderCreateOrderInput!) { orderCreate(order: $order) { order { id } userErrors { message } } }",
        {"order": {"email": "mange@example.no", "currency": "NOK", "processedAt": "2024-06-01T10:00:00Z",
                   "lineItems": [{"variantId": variants[n], "quantity": 1 + n % 3,
                                  "priceSet": {"shopMoney": {"amount": f"{100 + n}.00", "currencyCode": "NOK"}}} for n in range(12)],
                   "metafields": [{"namespace": "talk", "key": "global_id", "value": "o-many", "type": "single_line_text_field"}]}},
    )["data"]["orderCreate"]
    assert order["userErrors"] == [], order
    customer = sandbox.graphql("{ customers(first: 1) { nodes { id } } }")["data"]["customers"]["nodes"][0]["id"]
    answer = sandbox.graphql(
        "mutation($m: [MetafieldsSetInput!]!) { metafieldsSet(metafields: $m) { userErrors { message } } }",
        {"m": [{"ownerId": customer, "namespace": "talk", "key": "global_id", "value": "c-1", "type": "single_line_text_field"},
               {"ownerId": customer, "namespace": "other", "key": "x", "value": "not read", "type": "single_line_text_field"}]},
    )
    assert answer["data"]["metafieldsSet"]["userErrors"] == []


def by_root(log: list[dict]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for entry in log:
        key = (entry.get("root_fields") or [None])[0] or entry["path"].split("/")[1]
        counts[key] = counts.get(key, 0) + 1
    return counts


def test_bulk_read_equals_the_paged_read(sandbox):
    sandbox.reset(demo=True)
    sandbox.seed(customers=40, products=30, orders=40)
    add_long_nested_connections(sandbox)

    sandbox.clear_log()
    paged, paged_state = run_tap(tap_config(bulk_threshold=0))
    paged_log = by_root(sandbox.log())
    assert "bulkOperationRunQuery" not in paged_log and "customersCount" not in paged_log

    sandbox.clear_log()
    bulked, bulk_state = run_tap(tap_config(bulk_threshold=20, **FAST))
    log = sandbox.log()
    counts = by_root(log)

    for stream in ("customers", "product_variants", "orders"):
        assert bulked[stream] == paged[stream], stream  # same records, same values, same order
    assert json.dumps(bulked, sort_keys=False) == json.dumps(paged, sort_keys=False)  # even the key order
    assert bulk_state == paged_state
    many = [v for v in bulked["product_variants"] if v["product"]["title"] == "Mange varianter"]
    # one record per variant, each with its product's fields; 30 variants: the product's own
    # Talk metafields are not lent to any of them
    assert [v["sku"] for v in many] == [f"MANY-{n}" for n in range(30)]
    assert many[29]["fullTitle"] == "Mange varianter / S29" and many[29]["selectedOptions"] == [{"name": "Str", "value": "S29"}]
    assert all(v["metafields"] == {} and v["product"]["variantsCount"] == 30 for v in many)
    assert len(next(o for o in bulked["orders"] if o["email"] == "mange@example.no")["lineItems"]) == 12
    assert any(c["metafields"] == {"talk": {"global_id": "c-1"}} for c in bulked["customers"])

    # per stream: 1 count, 1 bulk mutation, polls, 1 download; no pages, no nested page queries;
    # and once per run the shop's setting whether prices include VAT (each product carries it)
    assert counts["customersCount"] == counts["productsCount"] == counts["ordersCount"] == 1
    assert counts["bulkOperationRunQuery"] == 3
    assert counts["bulk-operation-outputs"] == 3
    assert counts["shop"] == 1
    assert not {"customers", "products", "orders", "product", "order"} & set(counts)
    polls = counts["node"]
    assert 3 <= polls <= 30
    assert sum(counts.values()) == 10 + polls


def test_below_the_threshold_the_stream_is_paged(sandbox):
    sandbox.reset(demo=False)
    sandbox.seed(customers=30, products=5, orders=0)
    sandbox.clear_log()
    records, _ = run_tap(tap_config(bulk_threshold=30, page_size=10, **FAST))
    counts = by_root(sandbox.log())
    assert len(records["customers"]) == 30
    assert counts["customersCount"] == 1 and counts["customers"] == 3
    assert "bulkOperationRunQuery" not in counts


def test_incremental_bulk_read_uses_the_bookmark(sandbox):
    sandbox.reset(demo=False)
    sandbox.seed(customers=50, products=0, orders=0)
    first, state = run_tap(tap_config(bulk_threshold=10, **FAST))
    assert len(first["customers"]) == 50
    sandbox.clear_log()
    second, _ = run_tap(tap_config(bulk_threshold=10, **FAST), state=state)
    # only the record(s) at the bookmark come back: counted below the threshold, paged
    assert len(second.get("customers", [])) <= 1
    assert "bulkOperationRunQuery" not in by_root(sandbox.log())
    query = bulk_query("customers", ["talk"], "updated_at:>='2024-05-01T08:00:49+00:00'")
    assert "query: \"updated_at:>='2024-05-01T08:00:49+00:00'\"" in query and "sortKey: UPDATED_AT" in query


def test_a_failed_bulk_operation_falls_back_to_paging(sandbox):
    sandbox.reset(demo=False)
    sandbox.seed(customers=30, products=0, orders=0)
    sandbox.settings(bulk_error_code="INTERNAL_SERVER_ERROR")
    sandbox.clear_log()
    try:
        records, _ = run_tap(tap_config(bulk_threshold=10, **FAST))
    finally:
        sandbox.settings(bulk_error_code=None)
    assert len(records["customers"]) == 30
    counts = by_root(sandbox.log())
    assert counts["bulkOperationRunQuery"] == 1 and counts["customers"] >= 1 and "bulk-operation-outputs" not in counts


def test_runner_waits_for_a_running_operation_and_backs_off():
    answers = iter([
        {"bulkOperationRunQuery": {"bulkOperation": None, "userErrors": [{"field": None, "code": "OPERATION_IN_PROGRESS",
                                                                           "message": "already in progress: gid://shopify/BulkOperation/1."}]}},
        {"currentBulkOperation": {"id": "gid://shopify/BulkOperation/1", "status": "RUNNING"}},
        {"node": {"id": "gid://shopify/BulkOperation/1", "status": "COMPLETED"}},
        {"bulkOperationRunQuery": {"bulkOperation": {"id": "gid://shopify/BulkOperation/2", "status": "CREATED"}, "userErrors": []}},
        {"node": {"status": "RUNNING"}}, {"node": {"status": "RUNNING"}},
        {"node": {"id": "gid://shopify/BulkOperation/2", "status": "COMPLETED", "url": "http://files/2.jsonl"}},
    ])
    slept: list[float] = []
    lines = [{"id": "gid://shopify/Order/1", "updatedAt": "2024-01-01T00:00:00Z"},
             {"id": "gid://shopify/LineItem/9", "__parentId": "gid://shopify/Order/1"},
             {"id": "gid://shopify/Order/2", "updatedAt": "2024-01-02T00:00:00Z"}]
    runner = BulkRunner(lambda q, v: next(answers), download=lambda url: lines, interval=1.0, sleep=slept.append)
    nodes = list(grouped_nodes(runner.run("{ orders { edges { node { id } } } }")))
    assert [n["id"] for n in nodes] == ["gid://shopify/Order/1", "gid://shopify/Order/2"]
    assert nodes[0]["lineItems"] == {"nodes": [{"id": "gid://shopify/LineItem/9"}]}
    assert slept == [1.0, 1.0, 1.5, 2.25] and runner.polls == 4

    # A nested line that does not follow its parent (an ungrouped file) is an error, not a lost line.
    ungrouped = [lines[0], lines[2], {"id": "gid://shopify/LineItem/9", "__parentId": "gid://shopify/Order/1"}]
    with pytest.raises(UngroupedResult, match="LineItem/9 follows a node other than its parent"):
        list(grouped_nodes(ungrouped))

    failing = iter([{"bulkOperationRunQuery": {"bulkOperation": None, "userErrors": [{"field": ["query"], "code": "INVALID", "message": "bad"}]}}])
    try:
        BulkRunner(lambda q, v: next(failing)).run("{ x }")
    except BulkUnavailable as exc:
        assert "bad" in str(exc)
    else:
        raise AssertionError("an invalid bulk query must make the caller page")


def test_a_sized_shop_is_read_with_at_most_one_request_per_100_records(sandbox):
    sandbox.reset(demo=False)
    sandbox.seed(customers=300, products=100, orders=300)
    sandbox.clear_log()
    records, _ = run_tap(tap_config(**FAST))  # default: bulk when paging would take more requests
    assert {k: len(v) for k, v in records.items()} == {"customers": 300, "product_variants": 100, "orders": 300}
    counts = by_root(sandbox.log())
    polls = counts.pop("node")
    print(f"\nsized read: {counts} + {polls} polls")
    # every stream would take more than 3 pages (products are cost-limited pages), so each is
    # read by one bulk operation: count + mutation + download = 3 requests (plus polls)
    assert counts["bulkOperationRunQuery"] == 3 and counts["bulk-operation-outputs"] == 3
    assert not {"customers", "products", "orders"} & set(counts)
    for stream in ("customers", "orders"):
        assert 1 + 1 + 1 <= len(records[stream]) / 100
    # list reads (downloads): 3 for 700 records
    assert counts["bulk-operation-outputs"] <= 700 / 100
    assert polls <= 10


def test_a_large_bulk_result_is_read_as_it_downloads(sandbox):
    """Every customer arrives, while at most a few of them are in memory at once: the peak
    allocation stays under a fixed bound far below the result (which the old read held parsed
    in full, several times its size)."""
    sandbox.reset(demo=False)
    sandbox.seed(customers=3000, products=0, orders=0)
    runner = BulkRunner(lambda query, variables: sandbox.graphql(query, variables)["data"], interval=0.05)
    nodes = runner.read("customers", ["talk"])  # the operation ran; nothing is downloaded yet
    tracemalloc.start()
    try:
        count, previous, in_order = 0, "", True
        for node in nodes:
            count += 1
            in_order = in_order and node["updatedAt"] >= previous
            previous = node["updatedAt"]
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    size = int(runner.operation["fileSize"])
    print(f"\nbulk result {size / 1e6:.1f} MB read with a peak of {peak / 1e6:.2f} MB")
    assert count == 3000 and in_order
    assert size > 1_500_000 and peak < 1_000_000


@pytest.mark.parametrize("honours_range", [True, False], ids=["206 from the byte", "200 from the start"])
def test_a_download_broken_off_goes_on_after_the_last_complete_line(honours_range):
    body = b"".join(json.dumps({"id": f"gid://shopify/Customer/{n}", "note": "x" * 50}).encode() + b"\n" for n in range(200))
    asked: list[str | None] = []

    class Storage(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            asked.append(self.headers.get("Range"))
            start = int(self.headers["Range"].split("=")[1].rstrip("-")) if self.headers.get("Range") and honours_range else 0
            self.send_response(206 if start else 200)
            self.send_header("Content-Length", str(len(body) - start))
            self.end_headers()
            if len(asked) == 1:
                self.wfile.write(body[: len(body) // 2])  # then the connection drops mid-line
                self.close_connection = True
                return
            self.wfile.write(body[start:])

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Storage)
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True).start()
    try:
        lines = list(download_lines(f"http://127.0.0.1:{server.server_port}/1.jsonl", sleep=lambda _: None))
    finally:
        server.shutdown()
        server.server_close()
    assert [line["id"] for line in lines] == [f"gid://shopify/Customer/{n}" for n in range(200)]
    complete = body[: len(body) // 2].rfind(b"\n") + 1
    assert asked == [None, f"bytes={complete}-"]
