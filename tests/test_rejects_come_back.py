"""Rejects come back: a record that did not sync is tried again on every later run, without
--full-refresh and without its source changing, until it syncs or a person dismisses it."""
from __future__ import annotations

from collections import Counter

from harness import Talk
from systems import client, edit_native

FORWARD = ("tap-poweroffice", "mapper-talk", "target-shopify")


def load_shop(talk: Talk) -> None:
    talk.load("poweroffice", "customers", [
        {"Id": 301, "IsPerson": True, "FirstName": "Good", "LastName": "Customer", "EmailAddress": "good.customer@example.no"},
        {"Id": 303, "IsPerson": True, "FirstName": "Odd", "LastName": "Phone", "EmailAddress": "odd.phone@example.no",
         "PhoneNumber": "ring meg"},  # Shopify refuses this phone number
    ])
    talk.load("poweroffice", "products", [{"Id": 401, "Code": "GOOD-1", "Name": "Godt produkt", "UnitPrice": 10.0}])
    talk.load("poweroffice", "sales_orders", [{
        "CustomerId": 303, "SalesOrderDate": "2026-11-30", "CurrencyCode": "NOK", "SalesOrderStatus": "Confirmed",
        "PurchaseOrderReference": "PO-303", "SalesOrderLines": [{"ProductId": 401, "Quantity": 2, "ProductUnitPrice": 10.0}]}])


def shopify(talk: Talk, entity: str) -> list[dict]:
    api = client(talk, "shopify")
    try:
        return list(api.index(entity))
    finally:
        api.close()


def queued(talk: Talk) -> dict[tuple[str, str], dict]:
    return {(r["source_entity"], r["source_id"]): r for r in talk.store.queue.entries(destination="shopify")}


def test_records_refused_today_sync_on_a_later_run_without_their_source_changing(talk: Talk):
    load_shop(talk)
    # Shopify refuses product writes for the whole first run (an outage longer than the retries).
    talk.fault("shopify", method="POST", path_prefix="/admin", status=503, times=1000, body_contains="productSet")
    first = talk.run(*FORWARD)
    assert first.returncode == 0

    waiting = queued(talk)
    assert "Phone is invalid" in waiting[("customers", "303")]["reason"]
    assert "503" in waiting[("products", "401")]["reason"]
    assert ("sales_orders", next(k for e, k in waiting if e == "sales_orders")) in waiting  # its customer is not there
    assert [c["email"] for c in shopify(talk, "customers")] == ["good.customer@example.no"]
    listing = talk.cli("rejects").stdout
    assert "odd.phone@example.no" in listing and "SKU GOOD-1" in listing and "Phone is invalid" in listing

    # Tomorrow: Shopify is back, and someone fixed the phone number in PowerOffice. The product
    # and the order did not change: only the retry queue brings them back.
    talk.clear_faults()
    edit_native(talk, "poweroffice", "customers", 303, PhoneNumber="+47 41 00 00 03")
    talk.run(*FORWARD)

    assert queued(talk) == {}
    assert "no open rejects" in talk.cli("rejects").stdout
    assert Counter(c["email"] for c in shopify(talk, "customers")) == {"good.customer@example.no": 1, "odd.phone@example.no": 1}
    assert [v["sku"] for v in shopify(talk, "product_variants")] == ["GOOD-1"]
    (order,) = shopify(talk, "orders")
    odd = next(c for c in shopify(talk, "customers") if c["email"] == "odd.phone@example.no")
    assert order["customer"]["id"] == odd["id"] and order["poNumber"] == "PO-303"
    store = talk.store
    assert store.link_for("shopify", "product", store.global_id("poweroffice", "products", "401")) is not None

    talk.clear_logs()
    talk.run(*FORWARD)
    assert talk.writes("shopify") == [], "a synced queue leaves nothing to retry"


def test_a_reject_is_retried_on_every_run_until_dismissed_and_a_dismissed_one_can_be_reopened(talk: Talk):
    talk.load("poweroffice", "customers", [
        {"Id": 302, "IsPerson": True, "FirstName": "Broken", "LastName": "Email", "EmailAddress": "not-an-email"}])

    def attempts() -> int:
        (row,) = talk.store.queue.entries(destination="shopify", include_dismissed=True)
        return row["attempts"]

    talk.run(*FORWARD)
    assert attempts() == 1
    talk.run(*FORWARD)
    assert attempts() == 2, "retried although nothing changed in PowerOffice"
    (row,) = talk.store.queue.entries(destination="shopify")
    assert "email" in row["reason"]

    assert "1 reject(s) dismissed" in talk.cli("rejects", "--dismiss", str(row["id"])).stdout
    talk.run(*FORWARD)
    assert attempts() == 2, "a dismissed reject is not retried"
    assert "no open rejects" in talk.cli("rejects").stdout
    assert "[dismissed]" in talk.cli("rejects", "--all").stdout

    talk.cli("rejects", "--retry", str(row["id"]))
    talk.run(*FORWARD)
    assert attempts() == 3


def test_an_unexpected_answer_for_one_record_rejects_that_record_and_the_next_run_links_it(talk: Talk):
    from test_customwebshop_flows import POWEROFFICE, load_first_contact

    load_first_contact(talk, POWEROFFICE)
    # PowerOffice answers one customer read with something that is not a customer.
    talk.fault("poweroffice", method="GET", path_prefix="/v2/Customers/101", status=200, body=["not", "a", "customer"])
    result = talk.run(*POWEROFFICE.forward)
    assert result.returncode == 0
    waiting = {r["source_entity"]: r for r in talk.store.queue.entries(destination="poweroffice")}
    assert set(waiting) == {"customers", "orders"}  # Ola, and Ola's order, which names him
    row = waiting["customers"]
    assert row["source_id"] == "cus_ola" and row["reason"].startswith("unexpected error:")
    assert "answered the read of customers 101 with something that is not a customers record" in row["reason"]
    assert "ola.nordmann@example.no" in row["label"]
    assert "not linked in poweroffice yet" in waiting["orders"]["reason"]
    assert talk.store.link_for("poweroffice", "customer", talk.store.global_id("customwebshop", "customers", "cus_mari"))

    talk.run(*POWEROFFICE.forward)
    assert talk.store.queue.entries() == []
    ola = talk.store.global_id("customwebshop", "customers", "cus_ola")
    assert talk.store.link_for("poweroffice", "customer", ola).native_id == "101"
    assert sum(1 for o in talk.records("poweroffice", "sales_orders") if o["CustomerId"] == 101) == 1
