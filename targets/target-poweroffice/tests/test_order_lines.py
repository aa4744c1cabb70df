"""A sales order's lines written line by line against the real PowerOffice GO emulator, as the
core asks for them: a wanted line carries the Id of the PowerOffice line it is, or none when it
is new; a present line no wanted line names is removed. Requests are counted in the emulator's log."""
from __future__ import annotations

from collections import Counter

import httpx
import pytest


def writes(url: str) -> Counter:
    """Writes that landed, per method and path kind, since the log was cleared (a request the
    emulator's 10/s limit turned away with 429 is sent again; it changed nothing)."""
    kinds: Counter = Counter()
    for entry in httpx.get(f"{url}/_sandbox/log").json():
        if entry["method"] != "GET" and entry["path"].startswith("/v2/") and entry["status"] < 300:
            kinds[(entry["method"], "lines/{id}" if entry["path"].count("/Lines/") else entry["path"].rsplit("/", 1)[-1])] += 1
    return kinds


@pytest.fixture()
def order(client, url) -> dict:
    """A confirmed order of three lines (it reserves stock), the emulator's log emptied after."""
    customer = next(iter(client.index("customers")))
    created = client.create("sales_orders", {
        "CustomerId": customer["Id"], "SalesOrderStatus": "Confirmed", "SalesOrderDate": "2024-06-01",
        "SalesOrderLines": [{"ProductCode": "SKU-1001", "Quantity": 2}, {"ProductCode": "SKU-1002", "Quantity": 1},
                            {"ProductCode": "SKU-1004", "Quantity": 10}]})
    httpx.delete(f"{url}/_sandbox/log")
    return created


def desired(order: dict, quantities: dict[str, float] | None = None) -> list[dict]:
    """The order's lines as the core sends them back (Id, product, quantity), with the
    quantities given per product code changed."""
    return [{"Id": line["Id"], "ProductCode": line["ProductCode"],
             "Quantity": (quantities or {}).get(line["ProductCode"], line["Quantity"])}
            for line in order["SalesOrderLines"]]


def test_a_quantity_change_is_one_patch_of_that_line_and_nothing_else(client, url, order):
    cup = str(order["SalesOrderLines"][0]["ProductId"])
    available = client.fetch("products", cup)["StockAvailable"]
    stored = client.update("sales_orders", order["Id"], {"SalesOrderLines": desired(order, {"SKU-1001": 5})}, order)

    assert writes(url) == Counter({("PATCH", "lines/{id}"): 1})
    patch = next(e for e in httpx.get(f"{url}/_sandbox/log").json() if e["method"] == "PATCH")
    assert patch["path"].endswith(order["SalesOrderLines"][0]["Id"])
    assert [(line["Id"], line["Quantity"]) for line in stored["SalesOrderLines"]] == \
        [(line["Id"], 5 if line["ProductCode"] == "SKU-1001" else line["Quantity"]) for line in order["SalesOrderLines"]]
    assert client.fetch("products", cup)["StockAvailable"] == available - 3  # the reservation followed


def test_new_lines_are_posted_and_absent_lines_deleted(client, url, order):
    first, second, third = order["SalesOrderLines"]
    wanted = [{"Id": first["Id"], "ProductCode": "SKU-1001", "Quantity": 2},        # unchanged
              {"Id": second["Id"], "ProductCode": "SKU-1002", "Quantity": 4},       # changed
              {"Id": None, "ProductCode": "SKU-1004", "Quantity": 1}]               # new, though SKU-1004's line goes
    stored = client.update("sales_orders", order["Id"], {"SalesOrderLines": wanted}, order)

    assert writes(url) == Counter({("PATCH", "lines/{id}"): 1, ("POST", "Lines"): 1, ("DELETE", "lines/{id}"): 1})
    lines = {line["Id"]: line for line in stored["SalesOrderLines"]}
    assert third["Id"] not in lines  # the line meant to go went; the new one is a line of its own
    assert (lines[first["Id"]]["Quantity"], lines[second["Id"]]["Quantity"]) == (2, 4)
    (added,) = [line for line in stored["SalesOrderLines"] if line["Id"] not in (first["Id"], second["Id"])]
    assert (added["ProductCode"], added["Quantity"]) == ("SKU-1004", 1)


def test_unchanged_lines_cost_no_request_and_a_line_gone_in_poweroffice_is_added_again(client, url, order):
    client.update("sales_orders", order["Id"], {"SalesOrderLines": desired(order)}, order)
    assert writes(url) == Counter()

    gone = order["SalesOrderLines"][1]
    client.session.request("DELETE", f"/SalesOrders/{order['Id']}/Lines/{gone['Id']}")  # someone in PowerOffice
    current = client.fetch("sales_orders", order["Id"])
    httpx.delete(f"{url}/_sandbox/log")
    stored = client.update("sales_orders", order["Id"], {"SalesOrderLines": desired(order)}, current)
    assert writes(url) == Counter({("POST", "Lines"): 1})
    assert sorted(line["ProductCode"] for line in stored["SalesOrderLines"]) == ["SKU-1001", "SKU-1002", "SKU-1004"]


def test_a_product_named_by_code_is_resolved_only_when_it_changes(client, url, order):
    first = order["SalesOrderLines"][0]
    wanted = [{"Id": first["Id"], "ProductCode": "SKU-1003", "Quantity": 2}] + desired(order)[1:]
    stored = client.update("sales_orders", order["Id"], {"SalesOrderLines": wanted}, order)
    assert writes(url) == Counter({("PATCH", "lines/{id}"): 1})
    line = next(line for line in stored["SalesOrderLines"] if line["Id"] == first["Id"])
    assert line["ProductCode"] == "SKU-1003"
