"""PowerOffice GO refuses what breaks its v2 spec's limits (maxLength, required, enums) with a 400
ProblemDetails naming the field, on create and on PATCH; the emulator's table of limits is the
spec's own (checked against the spec when it is at hand)."""
from __future__ import annotations

import httpx
import pytest

from talk_sandbox.poweroffice import limits
from talk_sandbox.poweroffice.spec_check import load_spec

PATCH = {"Content-Type": "application/json-patch+json"}


@pytest.fixture()
def api(poweroffice_api):
    """The emulator's v2 API on fresh demo data (sandbox/tests/conftest.py)."""
    return poweroffice_api


def refused(response: httpx.Response, field: str) -> str:
    """The 400 ProblemDetails and its message for `field`."""
    assert response.status_code == 400, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert body["status"] == 400 and field in body["detail"]
    assert list(body["errors"]) == [field]
    return body["errors"][field][0]


def test_the_table_is_the_specs_own():
    spec = load_spec()
    if spec is None:
        pytest.skip("PowerOffice v2 OpenAPI spec not found (set TALK_POWEROFFICE_SPEC)")
    schemas = spec["components"]["schemas"]
    for kind, name in limits.SPEC_SCHEMAS.items():
        properties = schemas[name]["properties"]
        lengths = {field: p["maxLength"] for field, p in properties.items() if "maxLength" in p}
        assert lengths == limits.MAX_LENGTHS.get(kind, {}), kind
        assert tuple(schemas[name].get("required") or ()) == limits.REQUIRED.get(kind, ()), kind
        assert not any("minimum" in p or "minLength" in p for p in properties.values()), kind
        for field, allowed in limits.ENUMS.get(kind, {}).items():
            enum = schemas[properties[field]["$ref"].rsplit("/", 1)[1]]["enum"]
            assert tuple(enum) == allowed, (kind, field)


def test_product_name_and_code_lengths(api):
    assert api.post("/Products", json={"Name": "n" * 400, "Code": "c" * 100}).status_code == 200
    assert refused(api.post("/Products", json={"Name": "n" * 401}), "Name") == "Name can not be longer than 400 characters."
    assert refused(api.post("/Products", json={"Name": "Kopp", "Code": "c" * 101}), "Code") == "Code can not be longer than 100 characters."
    assert refused(api.post("/Products", json={"Code": "UTEN-NAVN"}), "Name") == "Name is required."
    assert "ProductType" in refused(api.post("/Products", json={"Name": "Kopp", "ProductType": "Goods"}), "ProductType")
    product = api.get("/Products").json()[0]
    refused(api.patch(f"/Products/{product['Id']}", json=[{"op": "replace", "path": "/Name", "value": "n" * 401}], headers=PATCH), "Name")
    assert api.get(f"/Products/{product['Id']}").json()["Name"] == product["Name"]


def test_customer_reference_and_address_lengths(api):
    assert refused(api.post("/Customers", json={"Name": "A", "ExternalImportReference": "x" * 51}), "ExternalImportReference")
    long_city = {"Name": "A", "MailAddress": {"City": "c" * 101, "ZipCode": "0150"}}
    assert refused(api.post("/Customers", json=long_city), "MailAddress.City") == "MailAddress.City can not be longer than 100 characters."
    assert refused(api.post("/Customers", json={"IsPerson": False}), "Name")
    customer = api.get("/Customers").json()[0]
    refused(api.patch(f"/Customers/{customer['Id']}", headers=PATCH,
                      json=[{"op": "replace", "path": "/MailAddress/AddressLine1", "value": "a" * 201}]), "MailAddress.AddressLine1")


def test_contact_person_limits(api):
    owner = api.get("/ContactPersons").json()[0]["ContactId"]
    assert refused(api.post(f"/ContactPersons/{owner}", json={"FirstName": "Ny"}), "LastName") == "LastName is required."
    refused(api.post(f"/ContactPersons/{owner}", json={"FirstName": "Ny", "LastName": "P", "ExternalCode": "e" * 51}), "ExternalCode")
    person = api.post(f"/ContactPersons/{owner}", json={"FirstName": "Ny", "LastName": "P"}).json()
    refused(api.patch(f"/ContactPersons/{owner}/{person['Id']}", headers=PATCH,
                      json=[{"op": "replace", "path": "/MailAddress/City", "value": "Oslo"},
                            {"op": "replace", "path": "/MailAddress/ZipCode", "value": "9" * 51}]), "MailAddress.ZipCode")
    refused(api.patch(f"/ContactPersons/{owner}/{person['Id']}", headers=PATCH,
                      json=[{"op": "replace", "path": "/MailAddress/City", "value": "Oslo"}]), "MailAddress.ZipCode")


def test_sales_order_status_and_line_type(api):
    customer = api.get("/Customers").json()[0]["Id"]
    refused(api.post("/SalesOrders/Complete", json={"CustomerId": customer, "SalesOrderStatus": "Invoiced"}), "SalesOrderStatus")
    refused(api.post("/SalesOrders/Complete", json={"CustomerId": customer, "SalesOrderLines": [
        {"ProductCode": "SKU-1001", "Quantity": 1, "LineType": "Discount"}]}), "SalesOrderLines[0].LineType")
    order = api.get("/SalesOrders").json()[0]
    refused(api.patch(f"/SalesOrders/{order['Id']}", headers=PATCH,
                      json=[{"op": "replace", "path": "/SalesOrderStatus", "value": "Sent"}]), "SalesOrderStatus")
