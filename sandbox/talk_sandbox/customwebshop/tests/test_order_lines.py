"""Order lines one at a time (/orders/{id}/lines): a line keeps its id through every change, each
change is a change of the order (version, updated_at, total, If-Match), and an empty discount
is no discount."""
from __future__ import annotations

from .conftest import KEY, get

ORDER = "/api/v1/orders/ord_000001"


def order(api) -> dict:
    return get(api, "/orders/ord_000001").json()


def test_a_line_is_added_changed_and_deleted_keeping_every_other_lines_id(api):
    before = order(api)
    added = api.post(f"{ORDER}/lines", json={"sku": "SKU-1002", "quantity": 1, "unit_price": "189.00"},
                     headers={**KEY, "If-Match": '"1"'})
    assert added.status_code == 201 and added.headers["ETag"] == '"2"'
    line = added.json()
    assert (line["product_id"], line["discount_percent"]) == ("prd_000002", "0")
    seen = order(api)["updated_at"]

    changed = api.patch(f"{ORDER}/lines/{line['id']}", json={"quantity": 3}, headers={**KEY, "If-Match": '"2"'})
    assert changed.status_code == 200 and changed.headers["ETag"] == '"3"'
    assert changed.json() == {**line, "quantity": 3}
    after = order(api)
    assert [l["id"] for l in after["lines"]] == [l["id"] for l in before["lines"]] + [line["id"]]
    assert after["total_excl_vat"] == "1074.40" and after["version"] == 3  # 507.40 + 3 x 189.00
    assert [o["id"] for o in get(api, "/orders", updated_since=seen).json()["data"]] == ["ord_000001"]

    deleted = api.delete(f"{ORDER}/lines/{before['lines'][0]['id']}", headers=KEY)
    assert deleted.status_code == 204 and deleted.headers["ETag"] == '"4"'
    assert [l["id"] for l in order(api)["lines"]] == [before["lines"][1]["id"], line["id"]]


def test_a_line_write_on_a_stale_etag_is_refused(api):
    line = order(api)["lines"][0]
    api.patch(ORDER, json={"status": "cancelled"}, headers=KEY)
    stale = api.patch(f"{ORDER}/lines/{line['id']}", json={"quantity": 5}, headers={**KEY, "If-Match": '"1"'})
    assert stale.status_code == 412 and stale.json()["error"]["code"] == "version_conflict"
    assert stale.headers["ETag"] == '"2"' and order(api)["lines"][0] == line


def test_an_unknown_line_or_order_is_404_not_found_naming_the_line(api):
    for method in ("PATCH", "DELETE"):
        missing = api.request(method, f"{ORDER}/lines/lin_999999", json={"quantity": 1}, headers=KEY)
        assert missing.status_code == 404 and missing.json()["error"] == {
            "code": "not_found", "message": "Order 'ord_000001' has no line with id 'lin_999999'.", "field": "line_id"}
    no_order = api.post("/api/v1/orders/ord_999999/lines", json={"quantity": 1, "unit_price": "1.00"}, headers=KEY)
    assert no_order.status_code == 404 and no_order.json()["error"]["code"] == "not_found"


def test_line_bodies_are_validated_and_the_last_line_stays(api):
    line_id = order(api)["lines"][0]["id"]
    for body, field in (({"quantity": 0}, "quantity"), ({"colour": "red"}, "colour"), ({}, None)):
        refused = api.patch(f"{ORDER}/lines/{line_id}", json=body, headers=KEY)
        assert refused.status_code == 422 and refused.json()["error"].get("field") == field
    api.delete(f"{ORDER}/lines/{order(api)['lines'][1]['id']}", headers=KEY)
    last = api.delete(f"{ORDER}/lines/{line_id}", headers=KEY)
    assert last.status_code == 422 and last.json()["error"]["code"] == "validation_failed"


def test_an_empty_discount_is_no_discount(api):
    line = order(api)["lines"][0]
    api.patch(f"{ORDER}/lines/{line['id']}", json={"discount_percent": "10"}, headers=KEY)
    cleared = api.patch(f"{ORDER}/lines/{line['id']}", json={"discount_percent": None}, headers=KEY)
    assert cleared.status_code == 200 and cleared.json()["discount_percent"] == "0"
    lines = [{"sku": "SKU-1001", "quantity": 1, "unit_price": "159.20", "discount_percent": None}]
    replaced = api.patch(ORDER, json={"lines": lines}, headers=KEY)
    assert replaced.status_code == 200 and replaced.json()["lines"][0]["discount_percent"] == "0"


def test_replacing_the_lines_through_the_order_gives_them_new_ids(api):
    before = order(api)["lines"]  # sent back whole: a line's id is read-only, so ignored
    after = api.patch(ORDER, json={"lines": before, "status": "processing"}, headers=KEY).json()["lines"]
    assert [l["sku"] for l in after] == [l["sku"] for l in before]
    assert not {l["id"] for l in after} & {l["id"] for l in before}


def test_the_new_line_ids_defect_recreates_a_changed_line(api):
    api.post("/_sandbox/settings", json={"defects": ["new_line_ids"]})
    line = order(api)["lines"][0]
    changed = api.patch(f"{ORDER}/lines/{line['id']}", json={"quantity": 7}, headers=KEY).json()
    assert changed["quantity"] == 7 and changed["id"] != line["id"]
