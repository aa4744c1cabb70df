"""The Shopify emulator answers like Shopify: auth, cost extensions, limits, REST paging and 429s."""
from __future__ import annotations

import httpx
import pytest

from talk_sandbox.processes import running

TOKEN = {"X-Shopify-Access-Token": "shpat_sandbox_token"}


@pytest.fixture(scope="module")
def shop(tmp_path_factory):
    with running(["shopify"], tmp_path_factory.mktemp("shopify-emulator")) as urls:
        client = httpx.Client(base_url=urls["shopify"], timeout=30)
        client.post("/_sandbox/reset")
        client.post("/_sandbox/seed")
        client.post("/_sandbox/seed", params={"customers": 120})
        yield client


def gql(shop, query, variables=None, headers=TOKEN, version="2025-04"):
    return shop.post(f"/admin/api/{version}/graphql.json", json={"query": query, "variables": variables or {}}, headers=headers)


def test_auth_and_versions(shop):
    assert gql(shop, "{ shop { name } }", headers={}).status_code == 401
    assert "Invalid API key or access token" in gql(shop, "{ shop { name } }", headers={}).json()["errors"]
    assert gql(shop, "{ shop { name } }", version="latest").status_code == 404
    assert gql(shop, "{ shop { name } }", version="2024-10").status_code == 200


def test_cost_is_reported_and_refunded(shop):
    body = gql(shop, "{ customers(first: 10, query: \"email:ola.nordmann@example.no\") { nodes { id defaultAddress { city } } } }").json()
    cost = body["extensions"]["cost"]
    assert cost["requestedQueryCost"] == 2 + 10 * 2
    assert cost["actualQueryCost"] == 2 + 1 * 2
    assert set(cost["throttleStatus"]) == {"maximumAvailable", "currentlyAvailable", "restoreRate"}
    assert [n["defaultAddress"]["city"] for n in body["data"]["customers"]["nodes"]] == ["Oslo"]



def test_search_values_may_be_quoted_with_escapes_and_compare_ignoring_case(shop):
    search = "{ customers(first: 5, query: $q) { nodes { email } } productVariants(first: 5, query: $s) { nodes { sku } } }"
    query = f"query($q: String, $s: String) {search}"
    body = gql(shop, query, {"q": 'email:"OLA.Nordmann@example.NO"', "s": 'sku:"sku-1001"'}).json()["data"]
    assert [n["email"] for n in body["customers"]["nodes"]] == ["ola.nordmann@example.no"]
    assert [n["sku"] for n in body["productVariants"]["nodes"]] == ["SKU-1001"]
    # inside quotes a backslash escapes a quote (and itself)
    created = gql(shop, "mutation($input: ProductSetInput!) { productSet(input: $input) { userErrors { message } } }", {"input": {
        "title": "Sitat", "productOptions": [{"name": "Title", "values": [{"name": "Default Title"}]}],
        "variants": [{"sku": 'TE"1\\B', "price": "1.00", "optionValues": [{"optionName": "Title", "name": "Default Title"}]}]}})
    assert created.json()["data"]["productSet"]["userErrors"] == []
    body = gql(shop, query, {"q": "email:'nobody@example.no'", "s": 'sku:"te\\"1\\\\b"'}).json()["data"]
    assert body["customers"]["nodes"] == [] and [n["sku"] for n in body["productVariants"]["nodes"]] == ['TE"1\\B']


def test_a_query_over_1000_points_is_refused(shop):
    body = gql(shop, "{ products(first: 100) { nodes { variants(first: 100) { nodes { id } } } } }").json()
    assert body["errors"][0]["extensions"]["code"] == "MAX_COST_EXCEEDED"


def test_search_syntax_and_cursors(shop):
    query = "query($after: String) { products(first: 1, after: $after, query: \"sku:SKU-1001\") { nodes { title } pageInfo { hasNextPage endCursor } } }"
    page = gql(shop, query).json()["data"]["products"]
    assert page["nodes"] == [{"title": "Kaffekopp"}] and page["pageInfo"]["hasNextPage"] is False
    seen, after = [], None
    while True:
        page = gql(shop, "query($after: String) { customers(first: 50, after: $after, sortKey: UPDATED_AT, query: \"updated_at:>='2024-01-01T00:00:00Z'\") { edges { cursor node { id } } pageInfo { hasNextPage endCursor } } }", {"after": after}).json()["data"]["customers"]
        seen += [e["node"]["id"] for e in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert len(seen) == len(set(seen)) == 122


def test_rest_pages_with_link_headers(shop):
    first = shop.get("/admin/api/2025-04/customers.json", params={"limit": 100}, headers=TOKEN)
    assert first.status_code == 200 and len(first.json()["customers"]) == 100
    assert first.headers["X-Shopify-Shop-Api-Call-Limit"].endswith("/40")
    next_url = first.headers["Link"].split(";")[0].strip("<>")
    second = shop.get(next_url, headers=TOKEN)
    assert len(second.json()["customers"]) == 22 and 'rel="previous"' in second.headers["Link"]
    mixed = shop.get(next_url + "&updated_at_min=2024-01-01", headers=TOKEN)
    assert mixed.status_code == 400
    assert shop.get("/admin/api/2025-04/customers.json", params={"limit": 251}, headers=TOKEN).status_code == 400
    orders = shop.get("/admin/api/2025-04/orders.json", params={"status": "any"}, headers=TOKEN).json()["orders"]
    assert orders[0]["line_items"][0]["sku"] == "SKU-1001"


def test_rest_bucket_answers_429(shop):
    shop.post("/_sandbox/settings", json={"rest_bucket_max": 3, "rest_leak_rate": 0.5})
    try:
        answers = [shop.get("/admin/api/2025-04/shop.json", headers=TOKEN) for _ in range(5)]
    finally:
        shop.post("/_sandbox/settings", json={"rest_bucket_max": 40, "rest_leak_rate": 2})
    refused = [a for a in answers if a.status_code == 429]
    assert refused and "Retry-After" in refused[0].headers
    assert refused[0].json()["errors"].startswith("Exceeded 2 calls per second")
