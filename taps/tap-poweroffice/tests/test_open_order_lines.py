"""A line edited in PowerOffice GO moves no timestamp of its order; the tap still emits the order
on the next run, because it re-reads the lines of open orders and compares them with the
fingerprints it kept in its state. An order whose lines did not change is not emitted again."""
from __future__ import annotations

from collections import Counter

import pytest

PATCH = {"Content-Type": "application/json-patch+json"}


@pytest.fixture()
def demo(poweroffice):
    """The demo company (5 open orders), unpaced."""
    poweroffice.admin("settings", json={"requests_per_second": 0})
    poweroffice.admin("reset")
    poweroffice.admin("seed")
    return poweroffice


def reads(po) -> Counter:
    """GET requests of the API per path kind (token requests are not API reads)."""
    kinds: Counter = Counter()
    for entry in po.log():
        if entry["method"] != "GET" or not entry["path"].startswith("/v2/"):
            continue
        parts = entry["path"].split("/")[2:]
        kinds["/".join("{id}" if n % 2 else part for n, part in enumerate(parts))] += 1
    return kinds


def test_a_line_edit_emits_its_order_on_the_next_run_and_nothing_else(demo):
    records, state = demo.sync(demo.config())
    orders = records["sales_orders"]
    assert len(orders) == 5
    fingerprints = state["bookmarks"]["sales_orders"]["line_fingerprints"]
    assert set(fingerprints) == {o["Id"] for o in orders}

    confirmed = next(o for o in orders if o["SalesOrderStatus"] == "Confirmed")
    line = next(li for li in records["sales_order_lines"] if li["SalesOrderId"] == confirmed["Id"] and li["Quantity"] == 2)
    edited = demo.call("PATCH", f"/SalesOrders/{confirmed['Id']}/Lines/{line['Id']}", headers=PATCH,
                       json=[{"op": "replace", "path": "/Quantity", "value": 5}])
    assert edited.status_code == 200

    demo.admin("log", method="DELETE")
    records, state = demo.sync(demo.config(), state)
    assert [o["Id"] for o in records["sales_orders"]] == [confirmed["Id"]]
    assert records["sales_orders"][0]["LastChangedDateTimeOffset"] == confirmed["LastChangedDateTimeOffset"]
    emitted = {li["Id"]: li["Quantity"] for li in records["sales_order_lines"]}
    assert emitted[line["Id"]] == 5 and {li["SalesOrderId"] for li in records["sales_order_lines"]} == {confirmed["Id"]}
    # The products on the order's lines are read again: the edited one's available stock moved
    # with the reservation (2 -> 5 reserved).
    products = {p["Code"]: p for p in records["products"]}
    assert set(products) == {li["ProductCode"] for li in records["sales_order_lines"]}
    assert products[line["ProductCode"]]["StockAvailable"] == products[line["ProductCode"]]["StockOnHand"] - 5
    # Per run: one list per stream, the products' stock list, one slim list of the open orders
    # and one lines read per open order (5); the changed order's header once more, and the
    # products of its lines by code. Its lines are not read twice.
    assert reads(demo) == Counter({"Customers": 1, "ContactPersons": 1, "Products": 3, "SalesOrders": 2,
                                   "SalesOrders/{id}/Lines": 5, "SalesOrders/{id}": 1})

    demo.admin("log", method="DELETE")
    records, _ = demo.sync(demo.config(), state)
    assert records["sales_orders"] == [] and records["sales_order_lines"] == [] and records["products"] == []
    assert reads(demo) == Counter({"Customers": 1, "ContactPersons": 1, "Products": 2, "SalesOrders": 2,
                                   "SalesOrders/{id}/Lines": 5})


def test_a_deleted_line_releases_its_products_reservation(demo):
    records, state = demo.sync(demo.config())
    confirmed = next(o for o in records["sales_orders"] if o["SalesOrderStatus"] == "Confirmed")
    lines = [li for li in records["sales_order_lines"] if li["SalesOrderId"] == confirmed["Id"]]
    gone = lines[-1]
    assert demo.call("DELETE", f"/SalesOrders/{confirmed['Id']}/Lines/{gone['Id']}").status_code == 200

    records, _ = demo.sync(demo.config(), state)
    assert [o["Id"] for o in records["sales_orders"]] == [confirmed["Id"]]
    assert sorted(li["Id"] for li in records["sales_order_lines"]) == sorted(li["Id"] for li in lines[:-1])
    # The deleted line's product is read again (its code came from the state), and the others on the order.
    assert {p["Code"] for p in records["products"]} == {li["ProductCode"] for li in lines}


def test_open_order_days_bounds_which_orders_lines_are_read(demo):
    demo.admin("reset")
    demo.admin("load/customers", json=[{"Id": 101, "Name": "Kunde AS"}])
    demo.admin("load/products", json=[{"Id": 201, "Code": "SKU-1", "Name": "Vare", "UnitPrice": 10.0}])
    old = {"SalesOrderDate": "2020-01-02", "CreatedDateTimeOffset": "2020-01-02T10:00:00+00:00",
           "LastChangedDateTimeOffset": "2020-01-02T10:00:00+00:00"}
    loaded = demo.admin("load/sales_orders", json=[
        {"CustomerId": 101, **old, "SalesOrderLines": [{"ProductId": 201, "Quantity": 1}]},
        {"CustomerId": 101, "SalesOrderLines": [{"ProductId": 201, "Quantity": 1}]}]).json()["records"]
    stale, recent = loaded
    _, state = demo.sync(demo.config(open_order_days=30))
    assert set(state["bookmarks"]["sales_orders"]["line_fingerprints"]) == {recent["Id"]}

    demo.admin("log", method="DELETE")
    for order in loaded:
        demo.call("PATCH", f"/SalesOrders/{order['Id']}/Lines/{order['SalesOrderLines'][0]['Id']}", headers=PATCH,
                  json=[{"op": "replace", "path": "/Quantity", "value": 3}])
    records, _ = demo.sync(demo.config(open_order_days=30), state)
    assert [o["Id"] for o in records["sales_orders"]] == [recent["Id"]]  # the old order is not watched
    assert reads(demo)["SalesOrders/{id}/Lines"] == 1
    records, _ = demo.sync(demo.config(open_order_days=0), state)  # 0: every open order
    assert {o["Id"] for o in records["sales_orders"]} == {recent["Id"], stale["Id"]}
