"""Order lines keep their identity, against the WooCommerce sandbox: the client turns the lines
Talk wants (each with its WooCommerce id, none for a new line) into the smallest order update,
checked in the request bodies it sends. An edited line is one item with its id and what
changed, a removed line its id with quantity 0, an added line an item without id; an unchanged
line is not sent, and no line is ever deleted and added again."""
from __future__ import annotations

import json

import httpx
import pytest


@pytest.fixture
def sent(client, order) -> list[dict]:
    """The bodies of the write requests the client sends after the order was placed (as they
    leave it, over real HTTP)."""
    bodies: list[dict] = []

    def keep(request: httpx.Request) -> None:
        if request.method != "GET":
            bodies.append({"method": request.method, "path": request.url.path, "body": json.loads(request.content or b"{}")})

    client.session.client.event_hooks["request"].append(keep)
    return bodies


@pytest.fixture
def order(client) -> dict:
    """An order of a cup (2) and a pot (1), processing: its lines reduced stock."""
    cup = client.create("products", {"name": "Kopp", "sku": "KOPP", "regular_price": "100.00", "stock_quantity": 10})
    pot = client.create("products", {"name": "Kanne", "sku": "KANNE", "regular_price": "300.00", "stock_quantity": 10})
    placed = client.create("orders", {"status": "processing", "line_items": [
        {"sold_id": cup["id"], "quantity": 2, "price": 100.0, "name": "Kopp"},
        {"sold_id": pot["id"], "quantity": 1, "price": 300.0, "name": "Kanne"}]})
    return client.fetch("orders", str(placed["id"]))


def wanted(order: dict, **edits) -> list[dict]:
    """The order's lines as Talk wants them back (the target's shape), with `edits` by line index."""
    lines = [{"id": line["id"], "sold_id": line["sold_id"], "quantity": line["quantity"], "price": line["price"],
              "name": line["name"]} for line in order["line_items"]]
    for index, change in edits.items():
        lines[int(index[1:])].update(change)
    return lines


def stock(client, product_id) -> int:
    return client.fetch("products", str(product_id))["stock_quantity"]


def test_a_quantity_edit_is_one_request_naming_that_line_only(client, sent, order):
    cup_line, pot_line = order["line_items"]
    changed, = client.write_batch("orders", [], [(str(order["id"]), {"line_items": wanted(order, l0={"quantity": 5})}, order)])[1]
    assert sent == [{"method": "POST", "path": "/wp-json/wc/v3/orders/batch", "body": {"update": [
        {"id": order["id"], "line_items": [{"id": cup_line["id"], "quantity": 5, "subtotal": "500.00", "total": "500.00"}]}]}}]
    assert [(line["id"], line["quantity"]) for line in changed["line_items"]] == [(cup_line["id"], 5), (pot_line["id"], 1)]
    assert stock(client, cup_line["product_id"]) == 5  # WooCommerce moved the stock by the difference


def test_a_price_edit_sends_the_lines_amounts_and_the_single_record_path_puts_the_order(client, sent, order):
    pot_line = order["line_items"][1]
    client.update("orders", str(order["id"]), {"line_items": wanted(order, l1={"price": 280.0})}, order)
    assert sent == [{"method": "PUT", "path": f"/wp-json/wc/v3/orders/{order['id']}", "body": {"line_items": [
        {"id": pot_line["id"], "subtotal": "280.00", "total": "280.00"}]}}]


def test_a_line_no_longer_wanted_is_removed_with_quantity_zero_and_gives_its_stock_back(client, sent, order):
    cup_line, pot_line = order["line_items"]
    changed = client.update("orders", str(order["id"]), {"line_items": wanted(order)[:1]}, order)
    assert [item["body"] for item in sent] == [{"line_items": [{"id": pot_line["id"], "quantity": 0}]}]
    assert [line["id"] for line in changed["line_items"]] == [cup_line["id"]]
    assert [line["id"] for line in client.fetch("orders", str(order["id"]))["line_items"]] == [cup_line["id"]]
    assert stock(client, pot_line["product_id"]) == 10


def test_an_added_line_has_no_id_and_the_others_keep_theirs(client, sent, order):
    cup_line, pot_line = order["line_items"]
    lines = wanted(order) + [{"sold_id": cup_line["product_id"], "quantity": 1, "price": 90.0, "name": "Kopp, andre"}]
    changed = client.update("orders", str(order["id"]), {"line_items": lines}, order)
    assert [item["body"] for item in sent] == [{"line_items": [
        {"product_id": cup_line["product_id"], "quantity": 1, "name": "Kopp, andre", "subtotal": "90.00", "total": "90.00"}]}]
    ids = [line["id"] for line in changed["line_items"]]
    assert ids[:2] == [cup_line["id"], pot_line["id"]] and len(ids) == 3


def test_lines_that_match_send_nothing(client, sent, order):
    assert client.update("orders", str(order["id"]), {"line_items": wanted(order)}, order) == order
    assert client.write_batch("orders", [], [(str(order["id"]), {"line_items": wanted(order)}, order)])[1] == [order]
    assert sent == []


def test_a_line_with_quantity_zero_is_not_a_line_when_read(client, order):
    """WooCommerce deletes a removed line; should a shop still show one with quantity 0 (a
    plugin), it is not a line: the tap's record shape leaves it out."""
    from tap_woocommerce.records import to_record
    raw = {"id": 1, "line_items": [{"id": 7, "product_id": 3, "variation_id": 0, "quantity": 0},
                                   {"id": 8, "product_id": 3, "variation_id": 9, "quantity": 2}]}
    assert to_record(raw)["line_items"] == [{"id": 8, "product_id": 3, "variation_id": 9, "quantity": 2, "sold_id": 9}]
