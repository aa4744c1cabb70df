"""PowerOfficeClient against the real PowerOffice GO emulator: what the shared target logic relies on."""
from __future__ import annotations

import pytest
from talk.http import ApiError

from target_poweroffice.client import PowerOfficeClient, patch_document


def test_a_person_customer_is_created_found_and_updated(client):
    created = client.create("customers", {
        "IsPerson": True, "FirstName": "Nora", "LastName": "Bakke", "EmailAddress": "nora@example.no",
        "ExternalImportReference": "talk:1", "MailAddress": {"City": "Oslo", "ZipCode": "0150", "CountryCode": "NO", "Id": None},
    })
    assert created["Id"] and created["Number"] and created["MailAddress"]["City"] == "Oslo"
    assert any(c["EmailAddress"] == "nora@example.no" for c in client.index("customers"))

    updated = client.update("customers", str(created["Id"]), {"FirstName": "Nora Marie", "MailAddress.City": "Bergen", "PhoneNumber": "+47 999 99 999"}, created)
    assert (updated["FirstName"], updated["MailAddress"]["City"], updated["PhoneNumber"]) == ("Nora Marie", "Bergen", "+47 999 99 999")
    assert client.fetch("customers", str(created["Id"]))["FirstName"] == "Nora Marie"
    assert client.fetch("customers", "424242") is None


def test_a_contact_person_is_created_under_its_customer(client):
    organisation = next(c for c in client.index("customers") if not c["IsPerson"])
    person = client.create("contact_persons", {"ContactId": organisation["Id"], "FirstName": "Siv", "LastName": "Strand", "EmailAddress": "siv@example.no"})
    assert person["ContactId"] == organisation["Id"]
    updated = client.update("contact_persons", str(person["Id"]), {"Title": "Økonomisjef"}, person)
    assert updated["Title"] == "Økonomisjef"
    fresh = PowerOfficeClient(client_config(client))  # knows no owner yet: finds it by itself
    assert fresh.fetch("contact_persons", str(person["Id"]))["Title"] == "Økonomisjef"
    fresh.close()
    assert any(p["Id"] == person["Id"] and p["ContactId"] == organisation["Id"] for p in client.index("contact_persons"))


def test_a_product_is_created_and_repriced(client):
    product = client.create("products", {"Code": "SKU-9001", "Name": "Kaffekanne", "UnitPrice": 399.0, "IsStockItem": True, "StockOnHand": 5})
    assert product["Id"] and product["StockAvailable"] == 5
    updated = client.update("products", str(product["Id"]), {"UnitPrice": 429.0, "StockOnHand": 7}, product)
    assert (updated["UnitPrice"], updated["StockOnHand"]) == (429.0, 7)
    assert {"SKU-1001", "SKU-9001"} <= {p["Code"] for p in client.index("products")}


def test_an_order_with_lines_is_created_and_its_lines_edited(client):
    customer = next(iter(client.index("customers")))
    order = client.create("sales_orders", {
        "CustomerId": customer["Id"], "ExternalImportReference": "shop-1001", "SalesOrderDate": "2024-06-01",
        "SalesOrderLines": [
            {"ProductCode": "SKU-1001", "Quantity": 2, "SortOrder": 0},
            {"ProductCode": "SKU-1002", "Quantity": 1, "SortOrder": 1},
            {"ProductCode": "SKU-1003", "Quantity": 1, "SortOrder": 2},
        ],
    })
    assert len(order["SalesOrderLines"]) == 3 and all(l["SalesOrderId"] == order["Id"] for l in order["SalesOrderLines"])
    first, second, _third = order["SalesOrderLines"]

    desired = [  # as the core sends them: a linked line carries its PowerOffice Id
        {**first, "Quantity": 5},                                                 # changed
        {"Id": second["Id"], "ProductCode": "SKU-1002", "Quantity": 1},           # unchanged
        {"ProductCode": "SKU-1004", "Quantity": 10},                              # new
    ]                                                                             # SKU-1003 removed
    stored = client.update("sales_orders", order["Id"], {"PurchaseOrderReference": "PO-77", "SalesOrderLines": desired}, order)
    lines = {line["ProductCode"]: line for line in stored["SalesOrderLines"]}
    assert stored["PurchaseOrderReference"] == "PO-77"
    assert set(lines) == {"SKU-1001", "SKU-1002", "SKU-1004"}
    assert lines["SKU-1001"]["Id"] == first["Id"] and lines["SKU-1001"]["Quantity"] == 5
    assert lines["SKU-1002"]["Id"] == second["Id"]
    assert stored["NetAmount"] == sum(line["NetAmount"] for line in stored["SalesOrderLines"])
    assert client.fetch("sales_orders", order["Id"])["SalesOrderLines"] == stored["SalesOrderLines"]
    assert any(o["ExternalImportReference"] == "shop-1001" for o in client.index("sales_orders"))


def test_the_apis_own_words_come_back_on_a_400(client):
    with pytest.raises(ApiError) as raised:
        client.create("customers", {"IsPerson": True, "FirstName": "Uten"})
    assert raised.value.status == 400 and "FirstName and LastName are required" in raised.value.detail
    assert "sandbox-client-key" not in str(raised.value)
    with pytest.raises(ApiError, match="not found"):
        client.create("sales_orders", {"CustomerId": 1, "SalesOrderLines": []})


def test_an_expired_token_is_renewed_on_401(client, url):
    client.fetch("products", "1")
    client._token = "revoked"  # as if the API had expired it early
    assert client.fetch("customers", str(next(iter(client.index("customers")))["Id"])) is not None


def test_patch_adds_where_there_is_no_value():
    operations = patch_document({"MailAddress.City": "Oslo", "FirstName": "Ola"}, {"MailAddress": {"City": None}, "FirstName": "O"})
    assert operations == [
        {"op": "add", "path": "/MailAddress/City", "value": "Oslo"},
        {"op": "replace", "path": "/FirstName", "value": "Ola"},
    ]


def client_config(client: PowerOfficeClient) -> dict:
    return {
        "base_url": client.base_url,
        "application_key": "sandbox-application-key",
        "client_key": "sandbox-client-key",
        "subscription_key": "sandbox-subscription-key",
    }
