"""Bulk query operations: JSONL with __parentId, one running query per shop, cancel, counts."""
from __future__ import annotations

import json
import time

import httpx
import pytest

from talk_sandbox.processes import running

TOKEN = {"X-Shopify-Access-Token": "shpat_sandbox_token"}
RUN = "mutation($q: String!) { bulkOperationRunQuery(query: $q) { bulkOperation { id status } userErrors { field message code } } }"
POLL = "query($id: ID!) { node(id: $id) { ... on BulkOperation { id status errorCode objectCount rootObjectCount fileSize url partialDataUrl query createdAt completedAt } } }"
ORDERS = """{ orders(query: "updated_at:>='2020-01-01'", sortKey: UPDATED_AT) { edges { node {
  id name customer { id email } totalPriceSet { shopMoney { amount } }
  lineItems { edges { node { id sku quantity variant { id } } } }
  metafields(namespace: "talk") { edges { node { id namespace key value } } }
} } } }"""


@pytest.fixture(scope="module")
def shop(tmp_path_factory):
    with running(["shopify"], tmp_path_factory.mktemp("shopify-bulk")) as urls:
        client = httpx.Client(base_url=urls["shopify"], timeout=30)
        client.post("/_sandbox/reset")
        client.post("/_sandbox/seed")
        client.post("/_sandbox/seed", params={"customers": 20, "products": 5, "orders": 12})
        yield client


@pytest.fixture(autouse=True)
def _settings(shop):
    shop.post("/_sandbox/settings", json={"bulk_delay_seconds": 0, "bulk_error_code": None})
    yield
    shop.post("/_sandbox/settings", json={"bulk_delay_seconds": 0.2, "bulk_error_code": None})


def gql(shop, query, variables=None, version="2025-04"):
    body = shop.post(f"/admin/api/{version}/graphql.json", json={"query": query, "variables": variables or {}}, headers=TOKEN).json()
    assert "errors" not in body, body
    return body


def finish(shop, op_id: str, timeout: float = 10) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        op = gql(shop, POLL, {"id": op_id})["data"]["node"]
        if op["status"] not in ("CREATED", "RUNNING", "CANCELING"):
            return op
        time.sleep(0.05)
    raise AssertionError("bulk operation did not finish")


def test_orders_come_as_jsonl_with_nested_nodes_on_their_own_lines(shop):
    answer = gql(shop, RUN, {"q": ORDERS})
    assert answer["extensions"]["cost"]["requestedQueryCost"] == 10
    payload = answer["data"]["bulkOperationRunQuery"]
    assert payload["userErrors"] == [] and payload["bulkOperation"]["status"] == "CREATED"
    op = finish(shop, payload["bulkOperation"]["id"])
    assert op["status"] == "COMPLETED" and op["errorCode"] is None and op["completedAt"]
    assert op["query"] == ORDERS and op["partialDataUrl"] is None

    shop.delete("/_sandbox/log")
    download = httpx.get(op["url"])  # a signed URL: no access token
    assert download.status_code == 200
    assert [e["path"] for e in shop.get("/_sandbox/log").json()] == [httpx.URL(op["url"]).path]
    lines = [json.loads(line) for line in download.text.splitlines()]
    assert int(op["fileSize"]) == len(download.content) and int(op["objectCount"]) == len(lines)

    orders = [line for line in lines if "__parentId" not in line]
    assert int(op["rootObjectCount"]) == len(orders) == 13
    ids = {o["id"] for o in orders}
    children = [line for line in lines if "__parentId" in line]
    assert children and all(c["__parentId"] in ids for c in children)
    assert {c["id"].split("/")[3] for c in children} <= {"LineItem", "Metafield"}
    # nested plain objects stay inline; nested connections are not in the parent's line
    first = orders[0]
    assert "lineItems" not in first and "metafields" not in first
    assert first["totalPriceSet"]["shopMoney"]["amount"] and "id" in (first["customer"] or {"id": 1})
    line_item = next(c for c in children if "/LineItem/" in c["id"])
    assert set(line_item) == {"id", "sku", "quantity", "variant", "__parentId"}
    # every child follows its parent
    seen = set()
    for line in lines:
        if "__parentId" in line:
            assert line["__parentId"] in seen
        else:
            seen.add(line["id"])
    # same orders as a paged read, in updatedAt order
    paged = gql(shop, "{ orders(first: 50, sortKey: UPDATED_AT) { nodes { id } } }")["data"]["orders"]["nodes"]
    assert [o["id"] for o in orders] == [o["id"] for o in paged]


def test_without_grouping_the_nested_lines_come_after_every_top_level_line(shop):
    ungrouped = RUN.replace("(query: $q)", "(query: $q, groupObjects: false)")
    op = gql(shop, ungrouped, {"q": ORDERS})["data"]["bulkOperationRunQuery"]["bulkOperation"]
    lines = [json.loads(line) for line in httpx.get(finish(shop, op["id"])["url"]).text.splitlines()]
    kinds = ["child" if "__parentId" in line else "order" for line in lines]
    assert kinds == sorted(kinds, key=lambda kind: kind == "child") and kinds.count("order") == 13 and "child" in kinds

def test_one_bulk_query_at_a_time_and_cancel(shop):
    shop.post("/_sandbox/settings", json={"bulk_delay_seconds": 30})
    first = gql(shop, RUN, {"q": "{ customers { edges { node { id } } } }"})["data"]["bulkOperationRunQuery"]["bulkOperation"]
    second = gql(shop, RUN, {"q": "{ products { edges { node { id } } } }"})["data"]["bulkOperationRunQuery"]
    assert second["bulkOperation"] is None
    assert second["userErrors"] == [{
        "field": None, "code": "OPERATION_IN_PROGRESS",
        "message": f"A bulk query operation for this app and shop is already in progress: {first['id']}.",
    }]
    current = gql(shop, "{ currentBulkOperation(type: QUERY) { id status } }")["data"]["currentBulkOperation"]
    assert current == {"id": first["id"], "status": "RUNNING"}

    cancel = "mutation($id: ID!) { bulkOperationCancel(id: $id) { bulkOperation { id status } userErrors { field message } } }"
    canceling = gql(shop, cancel, {"id": first["id"]})["data"]["bulkOperationCancel"]
    assert canceling["userErrors"] == [] and canceling["bulkOperation"]["status"] == "CANCELING"
    assert finish(shop, first["id"])["status"] == "CANCELED"
    again = gql(shop, cancel, {"id": first["id"]})["data"]["bulkOperationCancel"]
    assert again["userErrors"][0]["message"] == "A bulk operation cannot be canceled when it is canceled"

    shop.post("/_sandbox/settings", json={"bulk_delay_seconds": 0})
    next_one = gql(shop, RUN, {"q": "{ products { edges { node { id } } } }"})["data"]["bulkOperationRunQuery"]
    assert next_one["userErrors"] == []
    assert finish(shop, next_one["bulkOperation"]["id"])["status"] == "COMPLETED"


def test_invalid_bulk_queries_and_failures(shop):
    for query, fragment in (
        ("{ shop { name } }", "top-level connection"),
        ("{ orders { edges { node { lineItems { edges { node { id } } } } } } }", "must select 'id'"),
        ("{ nope }", "Invalid bulk query"),
    ):
        errors = gql(shop, RUN, {"q": query})["data"]["bulkOperationRunQuery"]["userErrors"]
        assert errors and errors[0]["code"] == "INVALID" and fragment in errors[0]["message"], errors

    shop.post("/_sandbox/settings", json={"bulk_error_code": "INTERNAL_SERVER_ERROR"})
    op = gql(shop, RUN, {"q": "{ customers { edges { node { id } } } }"})["data"]["bulkOperationRunQuery"]["bulkOperation"]
    failed = finish(shop, op["id"])
    assert (failed["status"], failed["errorCode"], failed["url"]) == ("FAILED", "INTERNAL_SERVER_ERROR", None)


def test_bulk_operation_by_id_only_from_2026_01(shop):
    op = gql(shop, "{ currentBulkOperation { id } }")["data"]["currentBulkOperation"]
    assert gql(shop, "query($id: ID!) { bulkOperation(id: $id) { id } }", {"id": op["id"]}, version="2026-01")["data"]["bulkOperation"] == op
    old = shop.post("/admin/api/2025-04/graphql.json", json={"query": "query($id: ID!) { bulkOperation(id: $id) { id } }",
                                                             "variables": {"id": op["id"]}}, headers=TOKEN).json()
    assert "doesn't exist" in old["errors"][0]["message"]
    assert httpx.get(f"{shop.base_url}/bulk-operation-outputs/1.jsonl?signature=wrong").status_code == 403


def test_counts_follow_the_search_query(shop):
    data = gql(shop, "{ customersCount { count precision } productsCount(query: \"sku:SKU-1001\") { count } "
                     "ordersCount(query: \"updated_at:>='2999-01-01'\") { count } c: customersCount(limit: 5) { count precision } }")["data"]
    assert data["customersCount"] == {"count": 22, "precision": "EXACT"}
    assert data["productsCount"] == {"count": 1}
    assert data["ordersCount"] == {"count": 0}
    assert data["c"] == {"count": 5, "precision": "AT_LEAST"}
