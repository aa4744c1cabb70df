"""Order dates are calendar dates in the business's time zone (`time_zone`, default Europe/Oslo).

A shop stamps an order with a UTC timestamp; an order placed at 00:30 on 1 November in Oslo is
stamped 23:30 on 31 October, and the ERP must book it in November. Each test places orders
around midnight and at a month's (and a year's) end and runs the real pipelines.
"""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from harness import Talk
from systems import client

OSLO = ZoneInfo("Europe/Oslo")

# ordered at (UTC) -> the order's date in Oslo
PLACED = {
    "ord_nov": ("2026-10-31T23:30:00Z", "2026-11-01"),   # 00:30 on 1 Nov in Oslo (CET, UTC+1)
    "ord_oct": ("2026-10-31T22:59:00Z", "2026-10-31"),   # 23:59 on 31 Oct: still October
    "ord_jul": ("2026-06-30T22:30:00Z", "2026-07-01"),   # 00:30 on 1 Jul (CEST, UTC+2)
    "ord_jan": ("2026-12-31T23:15:00Z", "2027-01-01"),   # a new year in Oslo, not yet in UTC
    "ord_noon": ("2026-03-15T11:00:00Z", "2026-03-15"),  # the middle of the day: no doubt at all
}


def instant(timestamp: str) -> datetime:
    return datetime.fromisoformat(timestamp.replace("Z", "+00:00"))


def webshop_with_orders(talk: Talk) -> None:
    talk.load("customwebshop", "customers", [{
        "id": "cus_dato", "type": "person", "first_name": "Dag", "last_name": "Dato", "email": "dag.dato@example.no"}])
    talk.load("customwebshop", "products", [{
        "id": "prd_kal", "sku": "KAL-2026", "name": "Kalender 2026", "price_excl_vat": "80.00", "vat_rate": "0.25", "stock": 10}])
    talk.load("customwebshop", "orders", [{
        "id": order_id, "number": order_id, "customer_id": "cus_dato", "currency": "NOK", "status": "processing",
        "ordered_at": ordered_at, "lines": [{"product_id": "prd_kal", "sku": "KAL-2026", "quantity": 1, "unit_price": "80.00"}],
    } for order_id, (ordered_at, _) in PLACED.items()])


def poweroffice_dates(talk: Talk) -> dict[str, str]:
    """Webshop order id -> PowerOffice SalesOrderDate, through the links."""
    po, dates = client(talk, "poweroffice"), {}
    try:
        for order_id in PLACED:
            link = talk.store.link_for("poweroffice", "order", talk.store.global_id("customwebshop", "orders", order_id))
            dates[order_id] = str(po.fetch("sales_orders", link.native_id)["SalesOrderDate"])[:10]
    finally:
        po.close()
    return dates


def test_webshop_orders_around_midnight_get_the_oslo_date_in_poweroffice(talk: Talk):
    webshop_with_orders(talk)
    talk.run("tap-customwebshop", "mapper-talk", "target-poweroffice")
    assert poweroffice_dates(talk) == {order_id: day for order_id, (_, day) in PLACED.items()}

    # Back the other way nothing moves: the webshop's timestamps fall on those dates already.
    talk.clear_logs()
    talk.run("tap-poweroffice", "mapper-talk", "target-customwebshop")
    assert talk.writes("customwebshop") == []
    assert {o["id"]: instant(o["ordered_at"]) for o in talk.records("customwebshop", "orders")} == {
        order_id: instant(ordered_at) for order_id, (ordered_at, _) in PLACED.items()}


def test_the_time_zone_is_a_setting(talk: Talk):
    webshop_with_orders(talk)
    talk.run("tap-customwebshop", "mapper-talk", "target-poweroffice", env={"TALK_TIME_ZONE": "UTC"})
    dates = poweroffice_dates(talk)
    assert (dates["ord_nov"], dates["ord_jul"], dates["ord_jan"]) == ("2026-10-31", "2026-06-30", "2026-12-31")


def test_a_bad_time_zone_stops_the_run_with_one_line(talk: Talk):
    webshop_with_orders(talk)
    result = talk.run("tap-customwebshop", "mapper-talk", "target-poweroffice", env={"TALK_TIME_ZONE": "Europe/Oslp"},
                      expect_ok=False)
    assert result.returncode != 0
    assert "'Europe/Oslp' is not an IANA time zone" in result.stderr
    assert talk.records("poweroffice", "sales_orders") == []


def test_a_woocommerce_order_placed_after_midnight_in_oslo_is_booked_on_that_day(talk: Talk):
    talk.load("woocommerce", "customers", [{
        "id": 61, "email": "dag.dato@example.no", "first_name": "Dag", "last_name": "Dato",
        "billing": {"first_name": "Dag", "last_name": "Dato", "email": "dag.dato@example.no", "address_1": "Storgata 1",
                    "postcode": "0155", "city": "Oslo", "country": "NO"}}])
    talk.load("woocommerce", "products", [{"id": 71, "sku": "KAL-2026", "name": "Kalender 2026", "regular_price": "80.00"}])
    talk.load("woocommerce", "orders", [
        {"id": 81, "customer_id": 61, "currency": "NOK", "status": "processing", "date_created_gmt": "2026-10-31T23:30:00",
         "line_items": [{"product_id": 71, "quantity": 1, "subtotal": "80.00", "total": "80.00"}]},
        {"id": 82, "customer_id": 61, "currency": "NOK", "status": "processing", "date_created_gmt": "2026-10-31T22:30:00",
         "line_items": [{"product_id": 71, "quantity": 1, "subtotal": "80.00", "total": "80.00"}]},
    ])
    talk.run("tap-woocommerce", "mapper-talk", "target-poweroffice")
    dates = {}
    for order in talk.records("poweroffice", "sales_orders"):
        link_ids = {talk.store.global_id("woocommerce", "orders", n): n for n in ("81", "82")}
        dates[link_ids[order["ExternalImportReference"]]] = str(order["SalesOrderDate"])[:10]
    assert dates == {"81": "2026-11-01", "82": "2026-10-31"}


@pytest.mark.parametrize("day", ["2026-11-01", "2026-10-31", "2027-01-01"])
def test_a_poweroffice_date_written_to_shopify_keeps_its_day(talk: Talk, day: str):
    """A date becomes a timestamp in Shopify: noon of that day in Oslo, the same day in UTC."""
    talk.load("poweroffice", "customers", [{"Id": 301, "IsPerson": True, "FirstName": "Dag", "LastName": "Dato",
                                            "EmailAddress": "dag.dato@example.no"}])
    talk.load("poweroffice", "products", [{"Id": 401, "Code": "KAL-2026", "Name": "Kalender 2026", "UnitPrice": 80.0}])
    talk.load("poweroffice", "sales_orders", [{
        "CustomerId": 301, "SalesOrderDate": day, "CurrencyCode": "NOK", "SalesOrderStatus": "Confirmed",
        "SalesOrderLines": [{"ProductId": 401, "Quantity": 1, "ProductUnitPrice": 80.0}]}])
    talk.run_job("poweroffice-shopify")
    (order,) = talk.records("shopify", "orders")
    processed = instant(order["processedAt"])
    assert processed.astimezone(OSLO).date().isoformat() == day
    assert processed.date().isoformat() == day  # and in UTC: noon in Oslo is 10:00 or 11:00 UTC
    assert processed.astimezone(OSLO).hour == 12

    # The reverse pipeline of the job read it back as the same day: PowerOffice is untouched.
    talk.clear_logs()
    talk.run_job("poweroffice-shopify")
    assert talk.writes("poweroffice") == [] and talk.writes("shopify") == []
