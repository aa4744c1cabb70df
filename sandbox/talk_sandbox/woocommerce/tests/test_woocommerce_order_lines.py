"""Order line items as WooCommerce's REST API v3 updates them: an item with an id changes in
place (its id stays), one without an id is added, one with quantity 0 (or a null product_id) is
removed, and items not listed stay as they are. In an order that reduced stock, an edited line
moves stock by the difference and a removed line gives back what it took."""
from __future__ import annotations

import pytest

API = "/wp-json/wc/v3"


@pytest.fixture(autouse=True)
def fresh(shop):
    shop.post("/_sandbox/reset")


def product(shop, sku: str, stock: int) -> dict:
    answer = shop.post(f"{API}/products", json={"name": sku, "sku": sku, "regular_price": "100.00",
                                                "manage_stock": True, "stock_quantity": stock})
    assert answer.status_code == 201, answer.text
    return answer.json()


def stock_of(shop, record: dict) -> int:
    return shop.get(f"{API}/products/{record['id']}").json()["stock_quantity"]


def two_line_order(shop, **fields) -> tuple[dict, dict, dict]:
    """A cup and a pot (10 of each in stock) and an order of one of each: (order, cup, pot)."""
    cup, pot = product(shop, "KOPP", 10), product(shop, "KANNE", 10)
    order = shop.post(f"{API}/orders", json={"line_items": [{"product_id": cup["id"], "quantity": 1},
                                                           {"product_id": pot["id"], "quantity": 1}], **fields})
    assert order.status_code == 201, order.text
    return order.json(), cup, pot


def update(shop, order: dict, lines: list[dict]) -> dict:
    answer = shop.put(f"{API}/orders/{order['id']}", json={"line_items": lines})
    assert answer.status_code == 200, answer.text
    return answer.json()


def test_an_edited_line_keeps_its_id_and_unlisted_lines_stay(shop):
    order, cup, pot = two_line_order(shop)
    cup_line, pot_line = order["line_items"]
    changed = update(shop, order, [{"id": cup_line["id"], "quantity": 3}])
    assert [(line["id"], line["quantity"]) for line in changed["line_items"]] == [(cup_line["id"], 3), (pot_line["id"], 1)]
    assert changed["line_items"][0]["total"] == "300.00"  # the price it was sold at, times the new quantity
    added = update(shop, changed, [{"product_id": pot["id"], "quantity": 2}])
    assert [line["id"] for line in added["line_items"]][:2] == [cup_line["id"], pot_line["id"]] and len(added["line_items"]) == 3


def test_quantity_zero_or_a_null_product_removes_a_line_and_a_removed_line_is_not_read_back(shop):
    order, _, _ = two_line_order(shop)
    cup_line, pot_line = order["line_items"]
    after = update(shop, order, [{"id": cup_line["id"], "quantity": 0}])
    assert [line["id"] for line in after["line_items"]] == [pot_line["id"]]
    after = update(shop, after, [{"id": pot_line["id"], "product_id": None}])
    assert shop.get(f"{API}/orders/{order['id']}").json()["line_items"] == []
    unknown = shop.put(f"{API}/orders/{order['id']}", json={"line_items": [{"id": cup_line["id"], "quantity": 0}]})
    assert (unknown.status_code, unknown.json()["code"]) == (400, "woocommerce_rest_invalid_item_id")


def test_line_edits_of_a_processing_order_move_stock_and_a_removal_gives_it_back(shop):
    order, cup, pot = two_line_order(shop, status="processing")
    cup_line, pot_line = order["line_items"]
    assert (stock_of(shop, cup), stock_of(shop, pot)) == (9, 9)
    update(shop, order, [{"id": cup_line["id"], "quantity": 5}])
    assert stock_of(shop, cup) == 5
    update(shop, order, [{"id": pot_line["id"], "quantity": 0}])
    assert stock_of(shop, pot) == 10
    update(shop, order, [{"product_id": pot["id"], "quantity": 4}])  # a new line takes its quantity
    assert stock_of(shop, pot) == 6
    shop.put(f"{API}/orders/{order['id']}", json={"status": "cancelled"})
    assert (stock_of(shop, cup), stock_of(shop, pot)) == (10, 10)


def test_a_pending_orders_line_edits_move_no_stock(shop):
    cup = product(shop, "KOPP", 10)
    order = shop.post(f"{API}/orders", json={"line_items": [{"product_id": cup["id"], "quantity": 2}]}).json()
    update(shop, order, [{"id": order["line_items"][0]["id"], "quantity": 4}])
    assert stock_of(shop, cup) == 10
    shop.put(f"{API}/orders/{order['id']}", json={"status": "processing"})
    assert stock_of(shop, cup) == 6
