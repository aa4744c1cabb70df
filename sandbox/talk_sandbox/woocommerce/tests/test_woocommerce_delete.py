"""DELETE as WooCommerce answers it: customers only with force, products and orders to the trash
without it (still readable, no longer listed) and gone with it; batch deletes are for good."""
from __future__ import annotations

import pytest

API = "/wp-json/wc/v3"


@pytest.fixture(autouse=True)
def demo(shop):
    shop.post("/_sandbox/reset")
    shop.post("/_sandbox/seed")


def listed(shop, resource: str) -> list[int]:
    return [r["id"] for r in shop.get(f"{API}/{resource}", params={"per_page": 100}).json()]


def test_a_customer_is_deleted_only_with_force(shop):
    customer = shop.post(f"{API}/customers", json={"email": "slett@example.no"}).json()
    refused = shop.delete(f"{API}/customers/{customer['id']}")
    assert refused.status_code == 501 and refused.json() == {
        "code": "woocommerce_rest_trash_not_supported", "message": "Customers do not support trashing.",
        "data": {"status": 501}}
    deleted = shop.delete(f"{API}/customers/{customer['id']}", params={"force": "true"})
    assert deleted.status_code == 200 and deleted.json() == customer
    gone = shop.get(f"{API}/customers/{customer['id']}")
    assert (gone.status_code, gone.json()["code"]) == (404, "woocommerce_rest_invalid_id")
    assert customer["id"] not in listed(shop, "customers")


def test_a_product_goes_to_the_trash_then_for_good(shop):
    variable = next(p for p in shop.get(f"{API}/products", params={"per_page": 100}).json() if p["variations"])
    trashed = shop.delete(f"{API}/products/{variable['id']}")
    # The answer is the product as it was: WooCommerce prepares it before trashing.
    assert trashed.status_code == 200 and trashed.json()["status"] == "publish"
    assert shop.get(f"{API}/products/{variable['id']}").json()["status"] == "trash"
    assert variable["id"] not in listed(shop, "products")
    assert variable["id"] in [p["id"] for p in shop.get(f"{API}/products", params={"status": "trash"}).json()]
    variation = variable["variations"][0]
    assert shop.get(f"{API}/products/{variable['id']}/variations/{variation}").json()["status"] == "trash"
    again = shop.delete(f"{API}/products/{variable['id']}")
    assert again.status_code == 410 and again.json() == {
        "code": "woocommerce_rest_already_trashed", "message": "The product has already been deleted.",
        "data": {"status": 410}}

    forced = shop.delete(f"{API}/products/{variable['id']}", params={"force": "true"})
    assert forced.status_code == 200 and forced.json()["id"] == variable["id"]
    gone = shop.get(f"{API}/products/{variable['id']}")
    assert gone.status_code == 404 and gone.json() == {
        "code": "woocommerce_rest_product_invalid_id", "message": "Invalid ID.", "data": {"status": 404}}
    assert variation not in [v["id"] for v in shop.get("/_sandbox/records/variations").json()]
    assert shop.delete(f"{API}/products/{variable['id']}", params={"force": "true"}).status_code == 404


def test_an_order_goes_to_the_trash_then_for_good(shop):
    order = shop.get(f"{API}/orders").json()[0]
    trashed = shop.delete(f"{API}/orders/{order['id']}")
    assert trashed.status_code == 200 and trashed.json()["status"] == order["status"]
    assert shop.get(f"{API}/orders/{order['id']}").json()["status"] == "trash"
    assert order["id"] not in listed(shop, "orders")
    again = shop.delete(f"{API}/orders/{order['id']}")
    assert (again.status_code, again.json()["message"]) == (410, "The shop_order has already been deleted.")
    assert shop.delete(f"{API}/orders/{order['id']}", params={"force": "true"}).status_code == 200
    gone = shop.get(f"{API}/orders/{order['id']}")
    assert (gone.status_code, gone.json()["code"]) == (404, "woocommerce_rest_shop_order_invalid_id")


def test_batch_deletes_for_good_and_reports_unknown_ids(shop):
    customer = shop.post(f"{API}/customers", json={"email": "batch@example.no"}).json()
    answer = shop.post(f"{API}/customers/batch", json={"delete": [customer["id"], 999999]}).json()
    assert answer["delete"][0] == customer
    assert answer["delete"][1] == {"id": 999999, "error": {
        "code": "woocommerce_rest_invalid_id", "message": "Invalid resource ID.", "data": {"status": 404}}}
    assert shop.get(f"{API}/customers/{customer['id']}").status_code == 404
    product = listed(shop, "products")[0]
    assert shop.post(f"{API}/products/batch", json={"delete": [product]}).json()["delete"][0]["id"] == product
    assert shop.get(f"{API}/products/{product}").status_code == 404


def test_the_admin_delete_is_delete_permanently(shop):
    variable = next(p for p in shop.get(f"{API}/products", params={"per_page": 100}).json() if p["variations"])
    assert shop.delete(f"/_sandbox/records/products/{variable['id']}").status_code == 200
    assert shop.get(f"{API}/products/{variable['id']}").status_code == 404
    remaining = {v["id"] for v in shop.get("/_sandbox/records/variations").json()}
    assert not remaining & set(variable["variations"])
    customer = listed(shop, "customers")[0]
    assert shop.delete(f"/_sandbox/records/customers/{customer}").status_code == 200
    assert shop.get(f"{API}/customers/{customer}").status_code == 404
    assert shop.delete(f"/_sandbox/records/customers/{customer}").status_code == 404
