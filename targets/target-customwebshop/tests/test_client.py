"""CustomWebshopClient against the real Custom Webshop emulator: what the shared write path relies on."""
from __future__ import annotations

import pytest
from talk.http import ApiError

from target_customwebshop.client import patch_body

from .conftest import API_KEY


def by_email(client, email: str) -> dict:
    return next(c for c in client.index("customers") if c["email"] == email)


def test_a_customer_is_created_found_and_updated_without_losing_its_other_address_fields(client):
    created = client.create("customers", {
        "type": "person", "first_name": "Nora", "last_name": "Bakke", "email": "nora@example.no", "phone": None,
        "external_reference": "talk:1", "archived": None,
        "address": {"line1": "Storgata 2", "line2": None, "postal_code": "0150", "city": "Oslo", "country": "NO"},
    })
    assert created["id"] and created["version"] == 1 and created["archived"] is False
    assert by_email(client, "nora@example.no")["external_reference"] == "talk:1"

    updated = client.update("customers", created["id"], {"first_name": "Nora Marie", "address.city": "Bergen"}, created)
    assert (updated["first_name"], updated["address"]["city"], updated["address"]["line1"]) == ("Nora Marie", "Bergen", "Storgata 2")
    assert updated["version"] == 2
    assert client.fetch("customers", created["id"])["first_name"] == "Nora Marie"
    assert client.fetch("customers", "cus_999999") is None


def test_an_edit_made_in_the_shop_meanwhile_to_other_fields_is_kept_and_ours_applied(client):
    ola = by_email(client, "ola.nordmann@example.no")
    client.update("customers", ola["id"], {"phone": "+4799999999"}, ola)  # the shop keeper, after our read
    stored = client.update("customers", ola["id"], {"last_name": "Nordmann-Berg"}, ola)
    assert (stored["last_name"], stored["phone"]) == ("Nordmann-Berg", "+4799999999")


def test_an_edit_made_in_the_shop_meanwhile_to_the_same_field_is_never_overwritten(client):
    ola = by_email(client, "ola.nordmann@example.no")
    client.update("customers", ola["id"], {"last_name": "Shopkeeper"}, ola)
    with pytest.raises(ApiError) as raised:
        client.update("customers", ola["id"], {"last_name": "Sync"}, ola)
    assert raised.value.status == 412 and "version_conflict" in str(raised.value) and "last_name" in str(raised.value)
    assert client.fetch("customers", ola["id"])["last_name"] == "Shopkeeper"


def test_a_product_is_created_with_the_default_vat_rate_and_repriced(client):
    product = client.create("products", {"sku": "SKU-9001", "name": "Kaffekanne", "price_excl_vat": "399.00",
                                         "stock": 5, "gtin": None, "archived": None, "description": None})
    assert (product["vat_rate"], product["price_incl_vat"]) == ("0.25", "498.75")
    updated = client.update("products", product["id"], {"price_excl_vat": "400.00", "stock": 7}, product)
    assert (updated["price_excl_vat"], updated["price_incl_vat"], updated["stock"]) == ("400.00", "500.00", 7)


def test_an_order_is_created_with_lines_and_its_lines_replaced(client):
    customer = by_email(client, "ola.nordmann@example.no")
    cup, beans = (next(p for p in client.index("products") if p["sku"] == sku) for sku in ("SKU-1001", "SKU-1002"))
    order = client.create("orders", {
        "customer_id": customer["id"], "currency": "NOK", "status": "processing", "ordered_at": "2024-06-01T00:00:00Z",
        "external_reference": "talk:o1",
        "lines": [{"product_id": cup["id"], "sku": "SKU-1001", "quantity": 2, "unit_price": "159.20", "discount_percent": None}],
    })
    assert order["number"] and order["total_excl_vat"] == "318.40" and order["lines"][0]["discount_percent"] == "0"
    lines = [{"product_id": beans["id"], "sku": "SKU-1002", "quantity": 1, "unit_price": "189.00", "discount_percent": "10"}]
    stored = client.update("orders", order["id"], {"lines": lines, "status": "completed"}, order)
    assert [line["sku"] for line in stored["lines"]] == ["SKU-1002"] and stored["total_excl_vat"] == "170.10"


def test_the_apis_code_and_message_come_back_and_never_the_key(client):
    with pytest.raises(ApiError) as raised:
        client.create("products", {"sku": "SKU-1001", "name": "Twin", "price_excl_vat": "1.00"})
    assert raised.value.status == 409 and "duplicate_sku" in str(raised.value)
    with pytest.raises(ApiError) as raised:
        client.create("customers", {"type": "person", "first_name": "Odd", "email": "not-an-email"})
    assert raised.value.status == 422 and "validation_failed" in str(raised.value) and "email" in str(raised.value)
    assert API_KEY not in str(raised.value)


def test_a_nested_change_sends_the_whole_object():
    current = {"address": {"line1": "A", "city": "Oslo"}, "version": 3}
    assert patch_body({"address.city": "Bergen", "phone": "1"}, current) == {"address": {"line1": "A", "city": "Bergen"}, "phone": "1"}
