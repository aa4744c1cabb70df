"""The Custom Webshop emulator behaves as the API document says: auth, keyset paging,
updated_since, ETag/If-Match, error codes, rate limit, and seeds that overlap the other sandboxes."""
from __future__ import annotations

import pytest

from .conftest import KEY, get


def test_demo_seed_overlaps_poweroffice_and_shopify(api):
    customers = get(api, "/customers").json()["data"]
    assert [c["email"] for c in customers if c["type"] == "person"][0] == "ola.nordmann@example.no"
    assert "912345670" in {c["organisation_number"] for c in customers}
    skus = {p["sku"] for p in get(api, "/products").json()["data"]}
    assert {"SKU-1001", "SKU-1002"} <= skus
    order = get(api, "/orders").json()["data"][1]
    assert order["total_excl_vat"] == "2154.60" and order["lines"][0]["sku"] == "SKU-1002"


def test_an_unknown_key_is_refused_without_echoing_it(api):
    response = api.get("/api/v1/customers", headers={"X-API-Key": "guess-123"})
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthorized" and "guess-123" not in response.text


def test_a_cursor_walks_every_record_once_in_updated_order(api):
    api.post("/_sandbox/seed", params={"customers": 45, "products": 1, "orders": 1})
    seen, cursor = [], None
    while True:
        page = get(api, "/customers", limit=10, **({"cursor": cursor} if cursor else {})).json()
        assert len(page["data"]) <= 10
        seen += [(c["updated_at"], c["id"]) for c in page["data"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert len(seen) == len(set(seen)) == 45 and seen == sorted(seen)
    assert get(api, "/customers", cursor="bm90IGEgY3Vyc29y").json()["error"]["code"] == "invalid_cursor"
    assert get(api, "/customers", limit=201).json()["error"] == {
        "code": "invalid_parameter", "message": "limit must be an integer from 1 to 200, not '201'.", "field": "limit"}


def test_updated_since_and_filters(api):
    products = get(api, "/products").json()["data"]
    since = products[1]["updated_at"]
    assert [p["sku"] for p in get(api, "/products", updated_since=since).json()["data"]] == ["CWS-2001", "CWS-2002"]
    assert [p["sku"] for p in get(api, "/products", sku="SKU-1002").json()["data"]] == ["SKU-1002"]
    assert len(get(api, "/customers", email="OLA.NORDMANN@example.no").json()["data"]) == 1
    assert [p["sku"] for p in get(api, "/products", sku="sku-1002").json()["data"]] == ["SKU-1002"]
    fjordkaffe = get(api, "/customers", organisation_number="912 345 670").json()["data"]
    assert [c["company_name"] for c in fjordkaffe] == ["Fjordkaffe AS"]
    assert get(api, "/products", updated_since="yesterday").status_code == 400


def test_update_needs_the_current_etag_and_moves_updated_at(api):
    product = get(api, "/products/prd_000001")
    assert product.headers["ETag"] == '"1"'
    changed = api.patch("/api/v1/products/prd_000001", json={"price_excl_vat": "200.00", "id": "ignored"},
                        headers={**KEY, "If-Match": '"1"'})
    body = changed.json()
    assert changed.headers["ETag"] == '"2"' and body["version"] == 2 and body["price_incl_vat"] == "250.00"
    assert body["updated_at"] > product.json()["updated_at"]
    stale = api.patch("/api/v1/products/prd_000001", json={"stock": 1}, headers={**KEY, "If-Match": '"1"'})
    assert stale.status_code == 412 and stale.json()["error"]["code"] == "version_conflict"
    assert get(api, "/products", updated_since=product.json()["updated_at"]).json()["data"][-1]["id"] == "prd_000001"


def test_writes_are_validated_against_the_document(api):
    def post(entity, body):
        return api.post(f"/api/v1/{entity}", json=body, headers=KEY)

    assert post("customers", {"type": "person", "email": "x@example.com"}).json()["error"]["field"] == "first_name"
    assert post("customers", {"type": "person", "first_name": "Ola", "email": "Ola.Nordmann@example.no"}).status_code == 409
    assert post("customers", {"type": "company", "company_name": "X", "colour": "red"}).json()["error"]["field"] == "colour"
    assert post("products", {"sku": "SKU-1001", "name": "Dup", "price_excl_vat": "1.00", "vat_rate": "0.25"}).json()["error"]["code"] == "duplicate_sku"
    bad_line = post("orders", {"customer_id": "cus_000001", "currency": "NOK", "lines": [{"quantity": 0, "unit_price": "1.00"}]})
    assert bad_line.status_code == 422 and bad_line.json()["error"]["field"] == "lines[0].quantity"
    order = post("orders", {"customer_id": "cus_000001", "currency": "NOK",
                            "lines": [{"sku": "CWS-2002", "quantity": 3, "unit_price": "39.20", "discount_percent": "50"}]})
    assert order.status_code == 201
    assert order.json()["lines"][0]["product_id"] == "prd_000004" and order.json()["total_excl_vat"] == "58.80"


def test_rate_limit_answers_429_with_retry_after(api):
    api.post("/_sandbox/settings", json={"rate_limit_per_second": 2})
    statuses = [get(api, "/customers", limit=1) for _ in range(4)]
    limited = [r for r in statuses if r.status_code == 429]
    assert limited and limited[0].json()["error"]["code"] == "rate_limited" and int(limited[0].headers["Retry-After"]) >= 1


def test_load_stores_fixtures_as_given_and_the_log_sees_requests(api):
    api.post("/_sandbox/reset")
    loaded = api.post("/_sandbox/load/products", json=[{"sku": "FIX-1", "name": "Fixture", "price_excl_vat": "10.00",
                                                        "vat_rate": "0.25", "updated_at": "2024-01-01T00:00:00Z"}]).json()
    record = loaded["records"][0]
    assert record["price_incl_vat"] == "12.50" and record["updated_at"] == "2024-01-01T00:00:00.000000Z"
    assert api.get("/_sandbox/records/products").json() == [record]
    assert get(api, f"/products/{record['id']}").json() == record
    assert any(entry["path"].endswith(f"/products/{record['id']}") for entry in api.get("/_sandbox/log").json())


def test_records_are_deleted_in_the_back_office_only(api):
    order = get(api, "/orders").json()["data"][0]
    # The API document has no DELETE: a shop owner deletes in the shop's back office, which
    # the admin API stands in for.
    assert api.delete(f"/api/v1/orders/{order['id']}", headers=KEY).status_code == 405
    assert api.delete(f"/_sandbox/records/orders/{order['id']}").json() == {"entity": "orders", "id": order["id"], "deleted": True}
    assert get(api, f"/orders/{order['id']}").json()["error"] == {"code": "not_found", "message": f"No order has id '{order['id']}'."}
    assert order["id"] not in [o["id"] for o in get(api, "/orders").json()["data"]]
    assert api.delete(f"/_sandbox/records/orders/{order['id']}").status_code == 404
    customer = get(api, "/customers").json()["data"][0]["id"]
    assert api.delete(f"/_sandbox/records/customers/{customer}").status_code == 200
    assert get(api, f"/customers/{customer}").status_code == 404


@pytest.mark.parametrize("entity, body, field", [
    ("products", {"sku": "", "name": "Tom", "price_excl_vat": "1.00", "vat_rate": "0.25"}, "sku"),
    ("products", {"sku": "NY-1", "name": "", "price_excl_vat": "1.00", "vat_rate": "0.25"}, "name"),
    ("products", {"sku": "NY-1", "name": "Ny", "price_excl_vat": "1.5", "vat_rate": "0.25"}, "price_excl_vat"),
    ("products", {"sku": "NY-1", "name": "Ny", "price_excl_vat": "1.00", "vat_rate": "-0.25"}, "vat_rate"),
    ("products", {"sku": "NY-1", "name": "Ny", "price_excl_vat": "1.00", "vat_rate": "0.25", "gtin": "123"}, "gtin"),
    ("products", {"sku": "NY-1", "name": "Ny", "price_excl_vat": "1.00", "vat_rate": "0.25", "stock": 1.5}, "stock"),
    ("customers", {"type": "person", "first_name": "Ny", "email": "ny@@example"}, "email"),
    ("customers", {"type": "robot", "first_name": "Ny"}, "type"),
    ("customers", {"type": "company", "company_name": "Ny AS", "address": {"country": "Norge"}}, "address.country"),
    ("orders", {"customer_id": "cus_000001", "currency": "NOK", "lines": []}, "lines"),
    ("orders", {"customer_id": "", "currency": "NOK", "lines": [{"quantity": 1, "unit_price": "1.00"}]}, "customer_id"),
    ("orders", {"customer_id": "cus_000001", "currency": "kr", "lines": [{"quantity": 1, "unit_price": "1.00"}]}, "currency"),
    ("orders", {"customer_id": "cus_000001", "currency": "NOK", "status": "shipped",
                "lines": [{"quantity": 1, "unit_price": "1.00"}]}, "status"),
    ("orders", {"customer_id": "cus_000001", "currency": "NOK", "lines": [{"quantity": -1, "unit_price": "1.00"}]},
     "lines[0].quantity"),
])
def test_the_documents_constraints_are_refused_naming_the_field(api, entity, body, field):
    # The document's limits are minLength, pattern, enum, exclusiveMinimum and minItems; it sets
    # no maxLength and no minimum on amounts (Money allows a negative amount: a credit line).
    refused = api.post(f"/api/v1/{entity}", json=body, headers=KEY)
    assert refused.status_code == 422 and refused.json()["error"]["code"] == "validation_failed"
    assert refused.json()["error"]["field"] == field


def test_orders_leave_stock_alone(api):
    # The document says `stock` is units on hand and nothing about orders changing it.
    product = get(api, "/products", sku="SKU-1001").json()["data"][0]
    api.post("/api/v1/orders", headers=KEY, json={"customer_id": "cus_000001", "currency": "NOK", "status": "processing",
                                                  "lines": [{"product_id": product["id"], "quantity": 2, "unit_price": "1.00"}]})
    assert get(api, f"/products/{product['id']}").json()["stock"] == product["stock"]
    credit = api.post("/api/v1/products", headers=KEY, json={"sku": "PANT-1", "name": "Pant", "price_excl_vat": "-2.00", "vat_rate": "0.25"})
    assert credit.status_code == 201 and credit.json()["price_incl_vat"] == "-2.50"
