"""PowerOffice GO sales order lines are sub-entities: adding, changing or deleting one leaves the
order's LastChangedDateTimeOffset as it was (so `lastChangedDateTimeOffsetGreaterThan` does not
find the order), keeps every line's Id and moves only the header's computed totals."""
from __future__ import annotations

import httpx
import pytest

PATCH = {"Content-Type": "application/json-patch+json"}


@pytest.fixture()
def order(poweroffice_api: httpx.Client) -> dict:
    """A draft order of two lines (sandbox/tests/conftest.py seeds the demo company)."""
    customer = poweroffice_api.get("/Customers").json()[0]
    products = poweroffice_api.get("/Products").json()
    response = poweroffice_api.post("/SalesOrders/Complete", json={
        "CustomerId": customer["Id"], "SalesOrderLines": [
            {"ProductId": products[0]["Id"], "Quantity": 2}, {"ProductId": products[1]["Id"], "Quantity": 1}]})
    assert response.status_code == 201, response.text
    return response.json()


def changed_since(api: httpx.Client, mark: str) -> list[str]:
    response = api.get("/SalesOrders", params={"lastChangedDateTimeOffsetGreaterThan": mark})
    return [] if response.status_code == 204 else [o["Id"] for o in response.json()]


def test_a_line_edit_leaves_the_orders_last_changed_and_its_line_ids(poweroffice_api, order):
    api, mark = poweroffice_api, order["LastChangedDateTimeOffset"]
    first, second = order["SalesOrderLines"]
    edited = api.patch(f"/SalesOrders/{order['Id']}/Lines/{first['Id']}", headers=PATCH,
                       json=[{"op": "replace", "path": "/Quantity", "value": 5}])
    assert edited.status_code == 200 and (edited.json()["Id"], edited.json()["Quantity"]) == (first["Id"], 5)

    header = api.get(f"/SalesOrders/{order['Id']}").json()
    assert header["LastChangedDateTimeOffset"] == mark
    assert header["NetAmount"] == pytest.approx(order["NetAmount"] + 3 * first["ProductUnitPrice"])
    assert changed_since(api, mark) == []
    lines = api.get(f"/SalesOrders/{order['Id']}/Lines").json()
    assert [(line["Id"], line["Quantity"]) for line in lines] == [(first["Id"], 5), (second["Id"], 1)]


def test_adding_and_deleting_lines_leave_the_orders_last_changed(poweroffice_api, order):
    api, mark = poweroffice_api, order["LastChangedDateTimeOffset"]
    first, second = order["SalesOrderLines"]
    added = api.post(f"/SalesOrders/{order['Id']}/Lines", json={"ProductId": first["ProductId"], "Quantity": 3})
    assert added.status_code == 201
    assert api.delete(f"/SalesOrders/{order['Id']}/Lines/{first['Id']}").status_code == 200

    header = api.get(f"/SalesOrders/{order['Id']}").json()
    assert (header["LastChangedDateTimeOffset"], header["LineCount"]) == (mark, 2)
    assert changed_since(api, mark) == []
    assert [line["Id"] for line in api.get(f"/SalesOrders/{order['Id']}/Lines").json()] == [second["Id"], added.json()["Id"]]
    # A header edit is a change of the order.
    api.patch(f"/SalesOrders/{order['Id']}", headers=PATCH,
              json=[{"op": "add", "path": "/PurchaseOrderReference", "value": "PO-9"}])
    assert changed_since(api, mark) == [order["Id"]]
