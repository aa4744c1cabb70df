"""Prices mean the same on both sides: Talk (and PowerOffice GO) keep prices excluding VAT; a shop
whose prices include VAT (Shopify `shop { taxesIncluded }`, WooCommerce
`woocommerce_prices_include_tax`) shows them with VAT. Real pipelines, both directions, to the
øre: 159.20 excluding VAT at 25 % is 199.00 including it.
"""
from __future__ import annotations

import pytest

from harness import Talk
from systems import client

JOB_SHOPIFY = "poweroffice-shopify"
JOB_WOO = "woocommerce-poweroffice"


@pytest.fixture
def shopify_prices(talk: Talk):
    """Set whether the Shopify sandbox's prices include VAT; put it back after the test."""
    yield lambda included: talk.settings("shopify", taxes_included=included)
    talk.settings("shopify", taxes_included=False)


@pytest.fixture
def woo_prices(talk: Talk):
    """Set WooCommerce's "Prices entered with tax"; put it back after the test."""
    yield lambda included: talk.settings("woocommerce", woocommerce_prices_include_tax="yes" if included else "no")
    talk.settings("woocommerce", woocommerce_prices_include_tax="no")


def fetch(talk: Talk, system: str, entity: str, native_id) -> dict:
    api = client(talk, system)
    try:
        return api.fetch(entity, str(native_id))
    finally:
        api.close()


def linked(talk: Talk, system: str, talk_entity: str, source: str, stream: str, native_id) -> dict:
    """The record `system` holds for the source system's record."""
    link = talk.store.link_for(system, talk_entity, talk.store.global_id(source, stream, str(native_id)))
    return fetch(talk, system, link.entity, link.native_id)


# -- PowerOffice GO <-> Shopify -------------------------------------------------------------------
def poweroffice_cup_and_order(talk: Talk) -> None:
    talk.load("poweroffice", "customers", [{
        "Id": 301, "IsPerson": True, "FirstName": "Vera", "LastName": "Moms", "EmailAddress": "vera.moms@example.no"}])
    talk.load("poweroffice", "products", [{"Id": 401, "Code": "MVA-1", "Name": "Kaffekopp", "UnitPrice": 159.2}])
    talk.load("poweroffice", "sales_orders", [{
        "CustomerId": 301, "SalesOrderDate": "2026-03-02", "CurrencyCode": "NOK", "SalesOrderStatus": "Confirmed",
        "SalesOrderLines": [{"ProductId": 401, "Quantity": 2, "ProductUnitPrice": 159.2}]}])


@pytest.mark.parametrize("included,shown", [(True, "199.00"), (False, "159.20")], ids=["incl-vat", "excl-vat"])
def test_a_poweroffice_price_reaches_shopify_as_the_shop_shows_prices(talk: Talk, shopify_prices, included, shown):
    shopify_prices(included)
    poweroffice_cup_and_order(talk)
    talk.run_job(JOB_SHOPIFY)

    cup = linked(talk, "shopify", "product", "poweroffice", "products", 401)
    assert cup["price"] == shown
    assert cup["metafields"]["talk"]["price_excl_vat"] == "159.20"  # always excluding VAT, as published
    order = shopify_order(talk)
    assert order["taxesIncluded"] is included
    assert [(line["quantity"], line["originalUnitPrice"]) for line in order["lineItems"]] == [(2, shown)]

    # Read back, the shop's prices are PowerOffice's again: nothing moves on the next run.
    assert fetch(talk, "poweroffice", "products", 401)["UnitPrice"] == 159.2
    talk.clear_logs()
    talk.run_job(JOB_SHOPIFY)
    assert talk.writes("shopify") == [] and talk.writes("poweroffice") == []


def shopify_order(talk: Talk) -> dict:
    api = client(talk, "shopify")
    try:
        (order,) = [api.fetch("orders", o["id"]) for o in api.index("orders")]
        return order
    finally:
        api.close()


@pytest.mark.parametrize("included,excluding", [(True, 199.2), (False, 249.0)], ids=["incl-vat", "excl-vat"])
def test_a_price_edited_in_shopify_reaches_poweroffice_excluding_vat(talk: Talk, shopify_prices, included, excluding):
    shopify_prices(included)
    poweroffice_cup_and_order(talk)
    talk.run_job(JOB_SHOPIFY)
    cup = linked(talk, "shopify", "product", "poweroffice", "products", 401)
    api = client(talk, "shopify")
    try:
        api.update("product_variants", cup["id"], {"price": "249.00"}, cup)  # the shop keeper's new price
    finally:
        api.close()

    talk.run_job(JOB_SHOPIFY)
    assert fetch(talk, "poweroffice", "products", 401)["UnitPrice"] == excluding
    talk.run_job(JOB_SHOPIFY)  # the next run sets our metafield, which the hand edit left behind
    cup = linked(talk, "shopify", "product", "poweroffice", "products", 401)
    assert (cup["price"], cup["metafields"]["talk"]["price_excl_vat"]) == ("249.00", f"{excluding:.2f}")


@pytest.mark.parametrize("included,price", [(True, "199.00"), (False, "159.20")], ids=["incl-vat", "excl-vat"])
def test_a_shopify_order_line_reaches_poweroffice_excluding_vat(talk: Talk, shopify_prices, included, price):
    """The order's own taxesIncluded says how its line prices are meant (it was the shop's
    setting when the order was placed)."""
    poweroffice_cup_and_order(talk)
    talk.run(*("tap-poweroffice", "mapper-talk", "target-shopify"))
    customer = linked(talk, "shopify", "customer", "poweroffice", "customers", 301)
    cup = linked(talk, "shopify", "product", "poweroffice", "products", 401)
    talk.load("shopify", "orders", [{
        "customer": {"id": customer["id"]}, "currencyCode": "NOK", "taxesIncluded": included, "poNumber": "WEB-77",
        "lineItems": [{"variantId": cup["id"], "quantity": 3, "originalUnitPrice": price}]}])

    talk.run("tap-shopify", "mapper-talk", "target-poweroffice", env={"TARGET_POWEROFFICE_CREATE_FROM": '["shopify"]'})
    (order,) = [o for o in talk.records("poweroffice", "sales_orders") if o.get("PurchaseOrderReference") == "WEB-77"]
    lines = fetch(talk, "poweroffice", "sales_orders", order["Id"])["SalesOrderLines"]
    assert [(line["ProductId"], line["Quantity"], line["ProductUnitPrice"]) for line in lines] == [(401, 3, 159.2)]


# -- WooCommerce <-> PowerOffice GO ---------------------------------------------------------------
def woocommerce_cup_and_order(talk: Talk) -> None:
    talk.load("woocommerce", "customers", [{
        "id": 61, "email": "vera.moms@example.no", "first_name": "Vera", "last_name": "Moms",
        "billing": {"first_name": "Vera", "last_name": "Moms", "email": "vera.moms@example.no", "address_1": "Storgata 1",
                    "postcode": "0155", "city": "Oslo", "country": "NO"}}])
    talk.load("woocommerce", "products", [{"id": 71, "sku": "MVA-1", "name": "Kaffekopp", "regular_price": "199.00"}])
    # WooCommerce keeps a line's amounts excluding tax whatever the setting: 2 x 159.20.
    talk.load("woocommerce", "orders", [{
        "id": 81, "customer_id": 61, "currency": "NOK", "status": "processing",
        "line_items": [{"product_id": 71, "quantity": 2, "subtotal": "318.40", "total": "318.40"}]}])


@pytest.mark.parametrize("included,excluding,edited", [(True, 159.2, "299.00"), (False, 199.0, "239.20")],
                         ids=["incl-vat", "excl-vat"])
def test_woocommerce_prices_reach_poweroffice_excluding_vat_and_come_back_as_the_shop_shows_them(
        talk: Talk, woo_prices, included, excluding, edited):
    woo_prices(included)
    woocommerce_cup_and_order(talk)
    talk.run_job(JOB_WOO)

    assert linked(talk, "poweroffice", "product", "woocommerce", "products", 71)["UnitPrice"] == excluding
    order = linked(talk, "poweroffice", "order", "woocommerce", "orders", 81)
    assert [(line["Quantity"], line["ProductUnitPrice"]) for line in order["SalesOrderLines"]] == [(2, 159.2)]

    talk.clear_logs()
    talk.run_job(JOB_WOO)  # the round trip is exact: nothing to write
    assert talk.writes("woocommerce") == [] and talk.writes("poweroffice") == []

    # The ERP's new price, 239.20 excluding VAT, in the shop as it enters prices.
    product = linked(talk, "poweroffice", "product", "woocommerce", "products", 71)
    api = client(talk, "poweroffice")
    try:
        api.update("products", str(product["Id"]), {"UnitPrice": 239.2}, product)
    finally:
        api.close()
    talk.run_job(JOB_WOO)
    assert fetch(talk, "woocommerce", "products", 71)["regular_price"] == edited
    talk.clear_logs()
    talk.run_job(JOB_WOO)
    assert talk.writes("woocommerce") == [] and talk.writes("poweroffice") == []


def test_the_shops_serve_their_price_settings(talk: Talk, shopify_prices, woo_prices):
    shopify_prices(True)
    woo_prices(True)
    shopify, woo = client(talk, "shopify"), client(talk, "woocommerce")
    try:
        assert shopify.taxes_included() is True and woo.prices_include_tax() is True
        woo_prices(False)
        shopify_prices(False)
        assert shopify.taxes_included() is False and woo.prices_include_tax() is False
        # A shop's admin changes it through the API as well.
        woo.session.json("PUT", "/settings/tax/woocommerce_prices_include_tax", json={"value": "yes"})
        assert woo.prices_include_tax() is True
    finally:
        shopify.close()
        woo.close()
