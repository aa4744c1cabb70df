"""A WooCommerce variable product and PowerOffice GO, end to end (`meltano run` of the
woocommerce-poweroffice job against the sandboxes): each variation is one Talk product linked
to that variation, a PowerOffice product whose code is a variation's SKU links to it, an order
line naming a variation is that product's line, and a price or stock change from PowerOffice
reaches only that variation, the variable product keeping its attributes and variations."""
from __future__ import annotations

from collections import Counter

import pytest

from harness import Talk
from systems import client, edit_native

JOB = "woocommerce-poweroffice"
API = "/wp-json/wc/v3"
PARENT = 40
ATTRIBUTES = [{"id": 0, "name": "Farge", "position": 0, "visible": True, "variation": True, "options": ["Blå", "Grønn"]},
              {"id": 0, "name": "Størrelse", "position": 1, "visible": True, "variation": True, "options": ["M", "L"]}]
# (id, sku, colour, size): the second is a PowerOffice product already.
VARIATIONS = [(41, "GENSER-BM", "Blå", "M"), (42, "GENSER-BL", "Blå", "L"), (43, "GENSER-GL", "Grønn", "L")]


@pytest.fixture
def shop(talk: Talk) -> Talk:
    talk.load("woocommerce", "products", [{"id": PARENT, "name": "Genser", "type": "variable", "attributes": ATTRIBUTES}])
    talk.load("woocommerce", "variations", [
        {"id": id_, "parent_id": PARENT, "sku": sku, "regular_price": "499.00", "manage_stock": True, "stock_quantity": 4,
         "attributes": [{"id": 0, "name": "Farge", "option": colour}, {"id": 0, "name": "Størrelse", "option": size}]}
        for id_, sku, colour, size in VARIATIONS])
    talk.load("woocommerce", "orders", [{
        "id": 60, "customer_id": 0, "currency": "NOK", "status": "processing",
        "billing": {"first_name": "Vera", "last_name": "Variant", "email": "vera.variant@example.no"},
        "line_items": [{"variation_id": 43, "quantity": 1}]}])
    talk.load("poweroffice", "products", [{"Id": 801, "Code": "GENSER-BL", "Name": "Genser blå L", "UnitPrice": 499.0,
                                            "IsStockItem": True, "StockOnHand": 4}])
    return talk


def variations(talk: Talk) -> dict[str, dict]:
    return {v["sku"]: v for v in talk.records("woocommerce", "variations")}


def test_each_variation_is_one_product_linked_to_it_and_an_erp_edit_reaches_only_that_variation(shop: Talk):
    talk = shop
    talk.run_job(JOB)

    products = talk.records("poweroffice", "products")
    assert Counter(p["Code"] for p in products) == {"GENSER-BM": 1, "GENSER-BL": 1, "GENSER-GL": 1}  # no parent
    store = talk.store
    for id_, sku, _, _ in VARIATIONS:
        global_id = store.global_id("woocommerce", "products", str(id_))
        erp = store.link_for("poweroffice", "product", global_id)
        assert next(p for p in products if str(p["Id"]) == erp.native_id)["Code"] == sku
    assert store.global_id("poweroffice", "products", "801") == store.global_id("woocommerce", "products", "42")
    assert next(p for p in products if p["Code"] == "GENSER-BM")["Name"] == "Genser - Blå, M"
    (order,) = talk.records("poweroffice", "sales_orders")
    po = client(talk, "poweroffice")
    try:
        (line,) = po.fetch("sales_orders", str(order["Id"]))["SalesOrderLines"]
    finally:
        po.close()
    assert str(line["ProductId"]) == store.link_for("poweroffice", "product", store.global_id("woocommerce", "products", "43")).native_id

    # The ERP changes the price of blue L and receives 5 more.
    before = variations(talk)
    edit_native(talk, "poweroffice", "products", 801, UnitPrice=459.0)
    edit_native(talk, "poweroffice", "products", 801, StockOnHand=9)
    talk.clear_logs()
    talk.run_job(JOB)

    writes = talk.writes("woocommerce")
    assert [(w["method"], w["path"]) for w in writes] == [("POST", f"{API}/products/{PARENT}/variations/batch")], writes
    assert talk.writes("poweroffice") == []
    after = variations(talk)
    assert (after["GENSER-BL"]["regular_price"], after["GENSER-BL"]["stock_quantity"]) == ("459.00", 9)
    for sku in ("GENSER-BM", "GENSER-GL"):
        assert after[sku] == before[sku]
    parent = next(p for p in talk.records("woocommerce", "products") if p["id"] == PARENT)
    assert parent["attributes"] == ATTRIBUTES and sorted(parent["variations"]) == [41, 42, 43]
    assert [a["option"] for a in after["GENSER-BL"]["attributes"]] == ["Blå", "L"]
    print(f"ERP edit of one variation: {len(writes)} WooCommerce write, "
          f"{len([e for e in talk.log('woocommerce') if e['method'] == 'GET'])} WooCommerce reads")

    talk.clear_logs()
    talk.run_job(JOB)
    assert talk.writes("woocommerce") == [] and talk.writes("poweroffice") == []
