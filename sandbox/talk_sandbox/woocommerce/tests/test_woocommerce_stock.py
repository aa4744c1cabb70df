"""WooCommerce stock: an order that becomes processing, on-hold or completed (or is paid) reduces
the stock of products and variations that manage stock, once; cancelling it (or setting it back
to pending) gives the stock back; stock_status follows. What WooCommerce's REST API does not
refuse (a negative regular_price, a long name) the emulator accepts too."""
from __future__ import annotations

import time

import pytest

API = "/wp-json/wc/v3"


@pytest.fixture(autouse=True)
def fresh(shop):
    shop.post("/_sandbox/reset")
    shop.post("/_sandbox/settings", json={"woocommerce_manage_stock": "yes"})


def product(shop, **fields) -> dict:
    response = shop.post(f"{API}/products", json={"name": "Kjele", "regular_price": "300.00", **fields})
    assert response.status_code == 201, response.text
    return response.json()


def stock(shop, record: dict) -> tuple[int | None, str]:
    path = f"products/{record['parent_id']}/variations/{record['id']}" if record.get("type") == "variation" else f"products/{record['id']}"
    body = shop.get(f"{API}/{path}").json()
    return body["stock_quantity"], body["stock_status"]


def order(shop, lines: list[dict], **fields) -> dict:
    response = shop.post(f"{API}/orders", json={"line_items": lines, **fields})
    assert response.status_code == 201, response.text
    return response.json()


def status(shop, placed: dict, value: str) -> dict:
    response = shop.put(f"{API}/orders/{placed['id']}", json={"status": value})
    assert response.status_code == 200, response.text
    return response.json()


def test_a_processing_order_reduces_and_cancelling_restores(shop):
    kettle = product(shop, sku="KJELE-1", manage_stock=True, stock_quantity=10)
    placed = order(shop, [{"product_id": kettle["id"], "quantity": 3}], status="processing")
    assert stock(shop, kettle) == (7, "instock")
    status(shop, placed, "completed")  # reduced once, not again
    assert stock(shop, kettle) == (7, "instock")
    status(shop, placed, "cancelled")
    assert stock(shop, kettle) == (10, "instock")
    status(shop, placed, "cancelled")
    assert stock(shop, kettle) == (10, "instock")


def test_pending_reduces_nothing_until_paid_or_on_hold(shop):
    kettle = product(shop, sku="KJELE-1", manage_stock=True, stock_quantity=10)
    pending = order(shop, [{"sku": "KJELE-1", "quantity": 2}])
    assert pending["status"] == "pending" and stock(shop, kettle) == (10, "instock")
    status(shop, pending, "on-hold")
    assert stock(shop, kettle) == (8, "instock")
    status(shop, pending, "pending")  # back to pending gives it back, as cancelling does
    assert stock(shop, kettle) == (10, "instock")
    paid = shop.put(f"{API}/orders/{pending['id']}", json={"set_paid": True}).json()
    assert paid["status"] == "processing" and stock(shop, kettle) == (8, "instock")


def test_refunding_gives_nothing_back(shop):
    kettle = product(shop, sku="KJELE-1", manage_stock=True, stock_quantity=10)
    placed = order(shop, [{"product_id": kettle["id"], "quantity": 4}], set_paid=True)
    assert stock(shop, kettle) == (6, "instock")
    status(shop, placed, "refunded")
    assert stock(shop, kettle) == (6, "instock")


def test_stock_status_follows_the_quantity(shop):
    last = product(shop, sku="SISTE-1", manage_stock=True, stock_quantity=2)
    backordered = product(shop, sku="REST-1", manage_stock=True, stock_quantity=1, backorders="notify")
    order(shop, [{"product_id": last["id"], "quantity": 2}, {"product_id": backordered["id"], "quantity": 3}], status="processing")
    assert stock(shop, last) == (0, "outofstock")
    assert stock(shop, backordered) == (-2, "onbackorder")


def test_variations_and_unmanaged_products(shop):
    shirt = product(shop, name="T-skjorte", type="variable")
    large = shop.post(f"{API}/products/{shirt['id']}/variations",
                      json={"sku": "SKJORTE-L", "regular_price": "249.00", "manage_stock": True, "stock_quantity": 5}).json()
    card = product(shop, sku="GAVEKORT", virtual=True)
    placed = order(shop, [{"variation_id": large["id"], "quantity": 2}, {"product_id": card["id"], "quantity": 1}], status="processing")
    assert stock(shop, large) == (3, "instock")
    assert stock(shop, card) == (None, "instock")
    status(shop, placed, "cancelled")
    assert stock(shop, large) == (5, "instock")


def test_a_variation_without_its_own_stock_draws_on_its_parent(shop):
    shirt = product(shop, name="Genser", type="variable", manage_stock=True, stock_quantity=6)
    medium = shop.post(f"{API}/products/{shirt['id']}/variations", json={"sku": "GENSER-M", "regular_price": "399.00"}).json()
    order(shop, [{"variation_id": medium["id"], "quantity": 2}], status="processing")
    assert stock(shop, shirt) == (4, "instock")


def test_the_shop_setting_turns_stock_management_off(shop):
    shop.post("/_sandbox/settings", json={"woocommerce_manage_stock": "no"})
    kettle = product(shop, sku="KJELE-1", manage_stock=True, stock_quantity=10)
    order(shop, [{"product_id": kettle["id"], "quantity": 3}], status="processing")
    assert stock(shop, kettle) == (10, "instock")


def test_a_reduction_moves_the_products_date_modified(shop):
    kettle = product(shop, sku="KJELE-1", manage_stock=True, stock_quantity=10)
    time.sleep(1.05)  # WooCommerce dates have whole seconds
    order(shop, [{"product_id": kettle["id"], "quantity": 1}], status="processing")
    after = shop.get(f"{API}/products/{kettle['id']}").json()
    assert after["date_modified_gmt"] > kettle["date_modified_gmt"]


def test_what_woocommerce_does_not_refuse(shop):
    # WooCommerce core allows negative prices (woocommerce/woocommerce#25037) and WordPress
    # titles have no length limit: both are stored.
    negative = product(shop, name="Pant", regular_price="-2.00")
    assert negative["regular_price"] == "-2.00" and negative["price"] == "-2.00"
    assert product(shop, name="N" * 300)["name"] == "N" * 300
    # The type checks WordPress runs are refused with rest_invalid_param naming the field.
    refused = shop.post(f"{API}/products", json={"name": "Kopp", "regular_price": -2})
    assert (refused.status_code, refused.json()["code"]) == (400, "rest_invalid_param")
    assert list(refused.json()["data"]["params"]) == ["regular_price"]
