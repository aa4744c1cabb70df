"""The WooCommerce emulator answers like a WooCommerce shop over HTTPS with Basic auth: paging
headers, filters, errors, batch writes, host settings and the request log."""
from __future__ import annotations

import time

import httpx
import pytest


KEY, SECRET = "ck_sandbox_consumer_key_0123456789abcdef", "cs_sandbox_consumer_secret_0123456789abcdef"
API = "/wp-json/wc/v3"


@pytest.fixture(scope="module", autouse=True)
def demo_shop(shop):
    shop.post("/_sandbox/reset")
    shop.post("/_sandbox/seed")


def test_basic_auth_and_query_keys_over_https(shop):
    assert shop.get(f"{API}/customers").status_code == 200
    by_query = shop.get(f"{API}/customers", params={"consumer_key": KEY, "consumer_secret": SECRET}, auth=None)
    assert by_query.status_code == 200
    wrong = shop.get(f"{API}/customers", auth=(KEY, "cs_wrong"))
    assert (wrong.status_code, wrong.json()["code"]) == (401, "woocommerce_rest_authentication_error")
    assert wrong.json()["message"] == "Consumer secret is invalid." and SECRET not in wrong.text
    anonymous = shop.get(f"{API}/orders", auth=None)
    assert (anonymous.status_code, anonymous.json()["code"]) == (401, "woocommerce_rest_cannot_view")


def test_pages_carry_totals_and_links(shop):
    first = shop.get(f"{API}/products", params={"per_page": 2, "orderby": "id", "order": "asc"})
    assert first.headers["X-WP-Total"] == "5" and first.headers["X-WP-TotalPages"] == "3"
    assert 'rel="next"' in first.headers["Link"] and 'rel="prev"' not in first.headers["Link"]
    seen, url = [], f"{API}/products?per_page=2&orderby=id&order=asc"
    while url:
        page = shop.get(url)
        seen += [p["id"] for p in page.json()]
        url = next((part.split(";")[0].strip(" <>") for part in page.headers.get("Link", "").split(",")
                    if 'rel="next"' in part), None)
    assert seen == sorted(seen) and len(seen) == 5
    assert len(shop.get(f"{API}/customers").json()) == 3  # per_page defaults to 10
    too_many = shop.get(f"{API}/customers", params={"per_page": 101})
    assert too_many.status_code == 400 and too_many.json()["code"] == "rest_invalid_param"
    assert too_many.json()["data"]["params"]["per_page"] == "per_page must be between 1 (inclusive) and 100 (inclusive)"


def test_filters(shop):
    skus = [p["sku"] for p in shop.get(f"{API}/products", params={"sku": "SKU-1001,SKU-1004"}).json()]
    assert sorted(skus) == ["SKU-1001", "SKU-1004"]
    # as MySQL compares: without regard to case
    assert [p["sku"] for p in shop.get(f"{API}/products", params={"sku": "sku-1004"}).json()] == ["SKU-1004"]
    ola = shop.get(f"{API}/customers", params={"email": "Ola.Nordmann@Example.no"}).json()
    assert [c["first_name"] for c in ola] == ["Ola"] and ola[0]["billing"]["city"] == "Oslo"
    malformed = shop.get(f"{API}/customers", params={"email": "ola.nordmann"})
    assert (malformed.status_code, malformed.json()["data"]["params"]) == (400, {"email": "Invalid email address."})
    ids = [c["id"] for c in shop.get(f"{API}/customers").json()]
    wanted = f"{ids[2]},{ids[0]}"
    assert [c["id"] for c in shop.get(f"{API}/customers", params={"include": wanted, "orderby": "include"}).json()] == [ids[2], ids[0]]
    # customers have no modified filter: the parameter is ignored, as WooCommerce does
    assert len(shop.get(f"{API}/customers", params={"modified_after": "2999-01-01T00:00:00"}).json()) == 3
    assert shop.get(f"{API}/orders", params={"modified_after": "2999-01-01T00:00:00"}).json() == []
    assert len(shop.get(f"{API}/orders", params={"modified_after": "2000-01-01T00:00:00", "dates_are_gmt": "true"}).json()) == 3
    guest = shop.get(f"{API}/orders", params={"customer": 0}).json()
    assert [o["billing"]["email"] for o in guest] == ["per.hansen@example.no"]
    assert [p["name"] for p in shop.get(f"{API}/products", params={"search": "gavekort"}).json()] == ["Gavekort"]
    assert shop.get(f"{API}/products", params={"orderby": "nope"}).json()["code"] == "rest_invalid_param"


def test_records_have_woocommerce_shapes(shop):
    order = shop.get(f"{API}/orders", params={"search": "ola.nordmann"}).json()[0]
    assert order["number"] == str(order["id"]) and order["currency"] == "NOK" and order["total"] == "487.00"
    line = order["line_items"][0]
    assert (line["sku"], line["quantity"], line["subtotal"], line["total"], line["price"]) == ("SKU-1001", 2, "298.00", "298.00", 149.0)
    shirt = shop.get(f"{API}/products", params={"sku": "WOO-3000"}).json()[0]
    variations = shop.get(f"{API}/products/{shirt['id']}/variations", params={"orderby": "id", "order": "asc"}).json()
    assert [v["sku"] for v in variations] == ["WOO-3000-S", "WOO-3000-M", "WOO-3000-L"]
    assert sorted(shirt["variations"]) == [v["id"] for v in variations]
    assert variations[1]["stock_status"] == "outofstock"


def test_writes_and_their_errors(shop):
    created = shop.post(f"{API}/customers", json={"email": "nina@example.no", "first_name": "Nina"})
    assert created.status_code == 201 and created.json()["username"] == "nina" and created.json()["role"] == "customer"
    again = shop.post(f"{API}/customers", json={"email": "nina@example.no"})
    assert (again.status_code, again.json()["code"]) == (400, "registration-error-email-exists")
    time.sleep(1.05)  # WooCommerce dates have whole seconds
    changed = shop.put(f"{API}/customers/{created.json()['id']}", json={"billing": {"city": "Bodø"}}).json()
    assert changed["billing"]["city"] == "Bodø" and changed["date_modified_gmt"] > created.json()["date_modified_gmt"]
    assert shop.get(f"{API}/customers/999999").json()["code"] == "woocommerce_rest_invalid_id"
    assert shop.get(f"{API}/products/999999").status_code == 404
    not_string = shop.post(f"{API}/products", json={"name": "X", "regular_price": 10})
    assert not_string.status_code == 400 and not_string.json()["code"] == "rest_invalid_param"
    duplicate = shop.post(f"{API}/products", json={"name": "Kopi", "sku": "SKU-1001"})
    assert (duplicate.status_code, duplicate.json()["code"]) == (400, "product_invalid_sku")
    bad_line = shop.post(f"{API}/orders", json={"line_items": [{"product_id": 999999, "quantity": 1}]})
    assert bad_line.status_code == 400
    assert shop.delete(f"{API}/customers/{created.json()['id']}").status_code == 501
    assert shop.delete(f"{API}/customers/{created.json()['id']}", params={"force": "true"}).status_code == 200
    assert shop.get(f"{API}/customers/{created.json()['id']}").status_code == 404
    assert shop.get(f"{API}/nothing-here").json()["code"] == "rest_no_route"


def test_batch_reports_each_item(shop):
    answer = shop.post(f"{API}/products/batch", json={
        "create": [{"name": "Ny kopp", "sku": "WOO-4001", "regular_price": "99.00"},
                   {"name": "Dobbel", "sku": "SKU-1002", "regular_price": "1.00"}],
        "update": [{"id": 999999, "regular_price": "1.00"}],
    })
    assert answer.status_code == 200
    body = answer.json()
    assert body["create"][0]["sku"] == "WOO-4001" and body["create"][0]["price"] == "99.00"
    assert body["create"][1] == {"id": 0, "error": {"code": "product_invalid_sku", "message": "Invalid or duplicated SKU.",
                                                    "data": {"status": 400}}}
    assert body["update"][0]["id"] == 999999 and body["update"][0]["error"]["code"] == "woocommerce_rest_product_invalid_id"
    new_id = body["create"][0]["id"]
    updated = shop.post(f"{API}/products/batch", json={"update": [{"id": new_id, "sale_price": "79.00"}], "delete": [new_id]}).json()
    assert updated["update"][0]["price"] == "79.00" and updated["delete"][0]["id"] == new_id
    assert shop.get(f"{API}/products/{new_id}").status_code == 404
    too_big = shop.post(f"{API}/customers/batch", json={"create": [{"email": f"x{n}@example.no"} for n in range(101)]})
    assert too_big.status_code == 413 and too_big.json() == {
        "code": "woocommerce_rest_request_entity_too_large",
        "message": "Unable to accept more than 100 items for this request.", "data": {"status": 413}}


def test_host_firewall_and_slow_server(shop):
    shop.post("/_sandbox/settings", json={"require_user_agent": True})
    try:
        refused = shop.get(f"{API}/customers", headers={"User-Agent": ""})
        assert refused.status_code == 403
        assert shop.get(f"{API}/customers", headers={"User-Agent": "talk-tap/1.0"}).status_code == 200
    finally:
        shop.post("/_sandbox/settings", json={"require_user_agent": False})
    shop.post("/_sandbox/settings", json={"response_delay_seconds": 0.5})
    try:
        with pytest.raises(httpx.ReadTimeout):
            shop.get(f"{API}/customers", timeout=0.2)
        time.sleep(0.4)  # the server still answers (and logs) the abandoned request
    finally:
        shop.post("/_sandbox/settings", json={"response_delay_seconds": 0})


def test_request_log_has_the_request_right_after_its_response(shop):
    shop.delete("/_sandbox/log")
    for _ in range(5):
        answer = shop.get(f"{API}/orders", params={"status": "completed"})
        entry = shop.get("/_sandbox/log").json()[-1]
        assert (entry["method"], entry["path"], entry["query"], entry["status"]) == (
            "GET", f"{API}/orders", "status=completed", answer.status_code)


def test_variations_answer_as_products_where_woocommerce_lets_them(shop):
    shirt = shop.get(f"{API}/products", params={"sku": "WOO-3000"}).json()[0]
    by_sku = shop.get(f"{API}/products", params={"sku": "WOO-3000-M,SKU-1001"}).json()
    assert sorted(p["sku"] for p in by_sku) == ["SKU-1001", "WOO-3000-M"]  # ?sku= searches variations too
    medium = next(p for p in by_sku if p["sku"] == "WOO-3000-M")
    assert (medium["type"], medium["parent_id"]) == ("variation", shirt["id"])
    assert shop.get(f"{API}/products/{medium['id']}").json()["sku"] == "WOO-3000-M"  # as wc_get_product does
    assert medium["id"] not in [p["id"] for p in shop.get(f"{API}/products", params={"per_page": 100}).json()]
    assert medium["name"] == "T-skjorte økologisk bomull - M"
    duplicate = shop.post(f"{API}/products/{shirt['id']}/variations", json={"sku": "SKU-1001"})
    assert (duplicate.status_code, duplicate.json()["code"]) == (400, "product_invalid_sku")
    # Saving a variation saves its parent: the parent's date_modified moves.
    time.sleep(1.05)
    shop.put(f"{API}/products/{shirt['id']}/variations/{medium['id']}", json={"regular_price": "259.00"})
    assert shop.get(f"{API}/products/{shirt['id']}").json()["date_modified_gmt"] > shirt["date_modified_gmt"]
    # An order line may name the variation by product_id: it becomes the variation's line.
    line = shop.post(f"{API}/orders", json={"line_items": [{"product_id": medium["id"], "quantity": 1}]}).json()["line_items"][0]
    assert (line["product_id"], line["variation_id"], line["sku"]) == (shirt["id"], medium["id"], "WOO-3000-M")
