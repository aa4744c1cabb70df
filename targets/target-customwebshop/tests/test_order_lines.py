"""An order update changes its lines one by one, against the real webshop emulator: the requests
sent are counted in its log, and every line that stays keeps its webshop id."""
from __future__ import annotations

import pytest
from talk.http import ApiError

ORDER_ID = "ord_000004"  # the demo order with two lines: SKU-1001 x 4 at 10 % off, CWS-2002 x 10
ORDER = f"/api/v1/orders/{ORDER_ID}"


def desired(order: dict, **edits) -> list[dict]:
    """The lines as the write path hands them over: the webshop line id on each, every field
    the mapping writes. `edits`: line index ("l0", "l1") -> fields to change."""
    lines = [{k: line[k] for k in ("id", "product_id", "sku", "description", "quantity", "unit_price", "discount_percent")}
             for line in order["lines"]]
    for key, fields in edits.items():
        lines[int(key[1:])].update(fields)
    return lines


def writes(shop) -> list[tuple[str, str]]:
    return [(e["method"], e["path"]) for e in shop.log() if e["method"] != "GET"]


def statuses(shop, method: str) -> list[int]:
    return [e["status"] for e in shop.log() if e["method"] == method and e["path"].startswith(f"{ORDER}/lines")]


@pytest.fixture()
def order(shop, client) -> dict:
    found = client.fetch("orders", ORDER_ID)
    shop.clear_log()
    return found


def test_one_lines_quantity_edit_is_one_patch_of_that_line_which_keeps_its_id(shop, client, order):
    first, second = order["lines"]
    stored = client.update("orders", ORDER_ID, {"lines": desired(order, l1={"quantity": 6})}, order)
    assert writes(shop) == [("PATCH", f"{ORDER}/lines/{second['id']}")]
    assert stored["lines"] == [first, {**second, "quantity": 6}]
    assert stored["version"] == order["version"] + 1 and stored["updated_at"] > order["updated_at"]


def test_a_new_line_is_one_post_and_a_removed_line_one_delete(shop, client, order):
    first, second = order["lines"]
    new = {"id": None, "product_id": None, "sku": "SKU-1002", "description": None, "quantity": 2,
           "unit_price": "189.00", "discount_percent": None}
    stored = client.update("orders", ORDER_ID, {"lines": [*desired(order), new]}, order)
    assert writes(shop) == [("POST", f"{ORDER}/lines")]
    added = stored["lines"][2]
    assert stored["lines"][:2] == [first, second] and (added["sku"], added["discount_percent"]) == ("SKU-1002", "0")

    shop.clear_log()
    stored = client.update("orders", ORDER_ID, {"lines": desired(stored)[1:]}, stored)
    assert writes(shop) == [("DELETE", f"{ORDER}/lines/{first['id']}")]
    assert [line["id"] for line in stored["lines"]] == [second["id"], added["id"]]


def test_order_fields_go_in_one_patch_of_the_order_without_touching_its_lines(shop, client, order):
    lines = desired(order, l0={"discount_percent": "15"})
    stored = client.update("orders", ORDER_ID, {"lines": lines, "status": "completed"}, order)
    assert writes(shop) == [("PATCH", f"{ORDER}/lines/{order['lines'][0]['id']}"), ("PATCH", ORDER)]
    assert stored["status"] == "completed" and stored["version"] == order["version"] + 2
    assert [line["id"] for line in stored["lines"]] == [line["id"] for line in order["lines"]]
    assert stored["lines"][0]["discount_percent"] == "15"


def test_an_empty_discount_is_no_discount_and_updates_fine(shop, client, order):
    # The first line has 10 % off: emptied (a system without discounts) it becomes "0".
    stored = client.update("orders", ORDER_ID, {"lines": desired(order, l0={"discount_percent": None}),
                                                "status": "processing"}, order)
    assert stored["lines"][0]["discount_percent"] == "0" and stored["status"] == "processing"
    # The second line has none: an empty discount there is no change and no request.
    shop.clear_log()
    unchanged = client.update("orders", ORDER_ID, {"lines": desired(stored, l1={"discount_percent": None})}, stored)
    assert writes(shop) == [] and unchanged["version"] == stored["version"]


def test_a_line_changed_in_the_shop_meanwhile_is_kept_and_ours_written_on_its_version(shop, client, order):
    first, second = order["lines"]
    client.session.json("PATCH", f"/orders/{ORDER_ID}/lines/{first['id']}", json={"quantity": 11})  # the shop keeper
    stored = client.update("orders", ORDER_ID, {"lines": desired(order, l1={"quantity": 5})}, order)
    assert [(line["id"], line["quantity"]) for line in stored["lines"]] == [(first["id"], 11), (second["id"], 5)]
    assert statuses(shop, "PATCH") == [200, 412, 200]  # theirs, ours on the version we read, ours again


def test_the_same_line_changed_in_the_shop_meanwhile_is_never_overwritten(shop, client, order):
    second = order["lines"][1]
    client.session.json("PATCH", f"/orders/{ORDER_ID}/lines/{second['id']}", json={"quantity": 9})
    with pytest.raises(ApiError) as raised:
        client.update("orders", ORDER_ID, {"lines": desired(order, l1={"quantity": 5})}, order)
    assert raised.value.status == 412 and second["id"] in str(raised.value)
    assert client.fetch("orders", ORDER_ID)["lines"][1]["quantity"] == 9


@pytest.mark.parametrize("method", ["PATCH", "POST"])
def test_a_line_write_whose_answer_is_lost_lands_once(shop, client, order, method):
    shop.fault(method=method, path_prefix=f"{ORDER}/lines", after=True, status=503)
    new = {"id": None, "sku": "SKU-1002", "quantity": 1, "unit_price": "189.00"}
    lines = desired(order, l1={"quantity": 3}) if method == "PATCH" else [*desired(order), new]
    stored = client.update("orders", ORDER_ID, {"lines": lines}, order)
    assert [line["quantity"] for line in stored["lines"]] == ([4, 3] if method == "PATCH" else [4, 10, 1])
    assert [line["id"] for line in stored["lines"]][:2] == [line["id"] for line in order["lines"]]
    # A PATCH is repeated (and finds its own change made); a POST is not: the line was found.
    assert statuses(shop, method) == ([503, 412] if method == "PATCH" else [503])
