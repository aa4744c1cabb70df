"""PowerOffice GO stock: StockOnHand is what is in stock, StockAvailable what is left for sale once
Confirmed sales orders have reserved their lines; stock changes leave LastChangedDateTimeOffset
alone (the spec's ProductDto says so) and move StockOnHandLastChangedDatetimeOffset instead."""
from __future__ import annotations

import httpx
import pytest


@pytest.fixture()
def api(poweroffice_api):
    """The emulator's v2 API on fresh demo data (sandbox/tests/conftest.py)."""
    return poweroffice_api


@pytest.fixture()
def base(poweroffice_base):
    return poweroffice_base


def patch(api: httpx.Client, path: str, operations: list[dict]) -> httpx.Response:
    response = api.patch(path, json=operations, headers={"Content-Type": "application/json-patch+json"})
    assert response.status_code == 200, response.text
    return response


def stock(api: httpx.Client, product_id: int) -> tuple[float, float]:
    product = api.get(f"/Products/{product_id}").json()
    return product["StockOnHand"], product["StockAvailable"]


@pytest.fixture()
def kettle(api) -> dict:
    """A stock item with 10 on hand, and a customer to sell it to."""
    product = api.post("/Products", json={"Name": "Kjele", "Code": "KJELE-1", "UnitPrice": 300, "IsStockItem": True,
                                          "StockOnHand": 10}).json()
    customer = api.get("/Customers").json()[0]
    return {"product": product, "customer": customer["Id"]}


def order(api, kettle, status: str, quantity: float = 2) -> dict:
    response = api.post("/SalesOrders/Complete", json={
        "CustomerId": kettle["customer"], "SalesOrderStatus": status,
        "SalesOrderLines": [{"ProductId": kettle["product"]["Id"], "Quantity": quantity}]})
    assert response.status_code == 201, response.text
    return response.json()


def test_a_confirmed_order_reserves_and_a_receipt_adds_to_both(api, kettle):
    product_id = kettle["product"]["Id"]
    assert stock(api, product_id) == (10, 10)
    order(api, kettle, "Confirmed", 2)
    assert stock(api, product_id) == (10, 8)
    # A receipt of 5 is written as the new stock on hand; what is reserved stays reserved.
    patch(api, f"/Products/{product_id}", [{"op": "replace", "path": "/StockOnHand", "value": 15}])
    assert stock(api, product_id) == (15, 13)


def test_a_draft_reserves_nothing_until_it_is_confirmed(api, kettle):
    product_id = kettle["product"]["Id"]
    draft = order(api, kettle, "Draft", 3)
    assert stock(api, product_id) == (10, 10)
    patch(api, f"/SalesOrders/{draft['Id']}", [{"op": "replace", "path": "/SalesOrderStatus", "value": "Confirmed"}])
    assert stock(api, product_id) == (10, 7)
    patch(api, f"/SalesOrders/{draft['Id']}", [{"op": "replace", "path": "/SalesOrderStatus", "value": "Draft"}])
    assert stock(api, product_id) == (10, 10)


def test_line_changes_and_deletes_move_the_reservation(api, kettle):
    product_id = kettle["product"]["Id"]
    confirmed = order(api, kettle, "Confirmed", 2)
    line = confirmed["SalesOrderLines"][0]
    patch(api, f"/SalesOrders/{confirmed['Id']}/Lines/{line['Id']}", [{"op": "replace", "path": "/Quantity", "value": 4}])
    assert stock(api, product_id) == (10, 6)
    added = api.post(f"/SalesOrders/{confirmed['Id']}/Lines", json={"ProductCode": "KJELE-1", "Quantity": 1}).json()
    assert stock(api, product_id) == (10, 5)
    assert api.delete(f"/SalesOrders/{confirmed['Id']}/Lines/{added['Id']}").status_code == 200
    assert stock(api, product_id) == (10, 6)
    assert api.delete(f"/SalesOrders/{confirmed['Id']}").status_code == 200
    assert stock(api, product_id) == (10, 10)


def test_an_order_deleted_in_go_itself_releases_its_reservation(api, base, kettle):
    confirmed = order(api, kettle, "Confirmed", 2)
    assert httpx.delete(f"{base}/_sandbox/records/sales_orders/{confirmed['Id']}").status_code == 200
    assert stock(api, kettle["product"]["Id"]) == (10, 10)


def test_services_and_non_stock_items_reserve_nothing(api):
    customer = api.get("/Customers").json()[0]
    service = next(p for p in api.get("/Products").json() if not p["IsStockItem"])
    api.post("/SalesOrders/Complete", json={"CustomerId": customer["Id"], "SalesOrderStatus": "Confirmed",
                                           "SalesOrderLines": [{"ProductId": service["Id"], "Quantity": 3}]})
    after = api.get(f"/Products/{service['Id']}").json()
    assert (after["StockOnHand"], after["StockAvailable"]) == (service["StockOnHand"], service["StockAvailable"])


def test_the_demo_company_has_reservations_from_its_confirmed_orders(api):
    products = {p["Code"]: p for p in api.get("/Products").json()}
    # ORDERS_DEMO confirms 2 of SKU-1001, 1 of SKU-1002 and 2 of SKU-1007.
    assert (products["SKU-1001"]["StockOnHand"], products["SKU-1001"]["StockAvailable"]) == (120, 118)
    assert (products["SKU-1002"]["StockOnHand"], products["SKU-1002"]["StockAvailable"]) == (300, 299)
    assert products["SKU-1003"]["StockAvailable"] == 40  # only on a draft


def test_stock_changes_do_not_touch_the_products_last_changed(api, kettle):
    product = kettle["product"]
    mark = product["LastChangedDateTimeOffset"]
    since = {"lastChangedDateTimeOffsetGreaterThan": mark}
    order(api, kettle, "Confirmed", 2)
    after = patch(api, f"/Products/{product['Id']}", [{"op": "replace", "path": "/StockOnHand", "value": 15}]).json()
    assert after["LastChangedDateTimeOffset"] == mark
    assert after["StockOnHandLastChangedDatetimeOffset"] > product["StockOnHandLastChangedDatetimeOffset"]
    assert api.get("/Products", params=since).status_code == 204
    moved = api.get("/Products", params={"stockOnHandLastChangedDatetimeOffsetGreaterThan": mark}).json()
    assert [p["Id"] for p in moved] == [product["Id"]]
    # Any other change is a change of the product.
    patch(api, f"/Products/{product['Id']}", [{"op": "replace", "path": "/UnitPrice", "value": 320}])
    assert [p["Id"] for p in api.get("/Products", params=since).json()] == [product["Id"]]


def test_stock_available_is_read_only(api, kettle):
    response = api.patch(f"/Products/{kettle['product']['Id']}", json=[{"op": "replace", "path": "/StockAvailable", "value": 99}],
                         headers={"Content-Type": "application/json-patch+json"})
    assert response.status_code == 400 and "read-only" in response.json()["detail"]
    created = api.post("/Products", json={"Name": "Ignorert", "IsStockItem": True, "StockOnHand": 4, "StockAvailable": 99}).json()
    assert (created["StockOnHand"], created["StockAvailable"]) == (4, 4)


def test_fixture_orders_reserve_what_their_fixture_products_hold(base, api):
    httpx.post(f"{base}/_sandbox/reset")
    httpx.post(f"{base}/_sandbox/load/customers", json=[{"Id": 101, "Name": "Kunde AS"}])
    httpx.post(f"{base}/_sandbox/load/products", json=[{"Id": 201, "Code": "SKU-1", "Name": "Vare", "IsStockItem": True,
                                                         "StockOnHand": 120, "StockAvailable": 120}])
    httpx.post(f"{base}/_sandbox/load/sales_orders", json=[
        {"CustomerId": 101, "SalesOrderStatus": "Confirmed", "SalesOrderLines": [{"ProductId": 201, "Quantity": 2}]},
        {"CustomerId": 101, "SalesOrderStatus": "Draft", "SalesOrderLines": [{"ProductId": 201, "Quantity": 12}]}])
    assert stock(api, 201) == (120, 118)
