"""PowerOffice GO deletes where the v2 API has DELETE (Customers, Products, SalesOrders): 200 with
no body, 409 ProblemDetails while the record is in use, and 404 ProblemDetails afterwards."""
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


def problem(response: httpx.Response, status: int) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert body["status"] == status and body["title"] and body["detail"]
    return body


def ids(api: httpx.Client, path: str) -> list:
    response = api.get(path)
    return [] if response.status_code == 204 else [record["Id"] for record in response.json()]


def test_a_customer_without_sales_orders_is_deleted_with_its_contact_persons(api):
    customer = api.post("/Customers", json={"Name": "Slettes AS"}).json()
    person = api.post(f"/ContactPersons/{customer['Id']}", json={"FirstName": "Kari", "LastName": "Slett"}).json()
    deleted = api.delete(f"/Customers/{customer['Id']}")
    assert deleted.status_code == 200 and deleted.content == b""
    gone = problem(api.get(f"/Customers/{customer['Id']}"), 404)
    assert gone["detail"] == f"Customer with id = {customer['Id']} not found."
    assert customer["Id"] not in ids(api, "/Customers")
    assert person["Id"] not in ids(api, "/ContactPersons")
    problem(api.delete(f"/Customers/{customer['Id']}"), 404)


def test_records_in_use_are_refused_with_409(api):
    order = api.get(f"/SalesOrders/{api.get('/SalesOrders').json()[0]['Id']}/Complete").json()
    refused = problem(api.delete(f"/Customers/{order['CustomerId']}"), 409)
    assert refused["detail"] == f"Customer with id = {order['CustomerId']} is in use and cannot be deleted."
    product = order["SalesOrderLines"][0]["ProductId"]
    problem(api.delete(f"/Products/{product}"), 409)
    assert api.get(f"/Customers/{order['CustomerId']}").status_code == 200


def test_a_sales_order_is_deleted_with_its_lines(api):
    order = api.get("/SalesOrders").json()[0]
    assert api.delete(f"/SalesOrders/{order['Id']}").status_code == 200
    problem(api.get(f"/SalesOrders/{order['Id']}"), 404)
    problem(api.get(f"/SalesOrders/{order['Id']}/Complete"), 404)
    problem(api.get(f"/SalesOrders/{order['Id']}/Lines"), 404)
    assert order["Id"] not in ids(api, "/SalesOrders")


def test_an_unused_product_is_deleted(api):
    product = api.post("/Products", json={"Name": "Utgår", "Code": "SLETT-1"}).json()
    assert api.delete(f"/Products/{product['Id']}").status_code == 200
    problem(api.get(f"/Products/{product['Id']}"), 404)
    assert product["Id"] not in ids(api, "/Products")
    # The code is free again.
    assert api.post("/Products", json={"Name": "Ny", "Code": "SLETT-1"}).status_code == 200


def test_the_admin_delete_is_deleting_in_go_itself(api, base):
    customer = api.get("/SalesOrders").json()[0]["CustomerId"]
    # GO's own screens are not the API: the admin delete skips the "in use" refusal.
    assert httpx.delete(f"{base}/_sandbox/records/customers/{customer}").json()["deleted"] is True
    problem(api.get(f"/Customers/{customer}"), 404)
    order = api.get("/SalesOrders").json()[0]["Id"]
    assert httpx.delete(f"{base}/_sandbox/records/sales_orders/{order}").status_code == 200
    problem(api.get(f"/SalesOrders/{order}"), 404)
    assert httpx.delete(f"{base}/_sandbox/records/sales_orders/{order}").status_code == 404
