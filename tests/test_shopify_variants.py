"""A Shopify product with several options and variants, end to end with `meltano run`: each
variant (SKU) is one Talk product, linked to that variant; a PowerOffice product whose code is a
later variant's SKU links to that variant; an edit of it in PowerOffice reaches that variant
only, and the product keeps all its options and variants."""
from __future__ import annotations

from collections import Counter

import httpx
import pytest

from harness import Talk
from systems import edit_native
from talk_sandbox.admin import shopify_graphql

JOB = "poweroffice-shopify"
SHOP_RECORDS_INTO_THE_ERP = {"TARGET_POWEROFFICE_CREATE_FROM": '["shopify"]'}
TEE = [("S", "Black", "TEE-S-BLK", "199.00"), ("M", "Black", "TEE-M-BLK", "199.00"), ("M", "White", "TEE-M-WHT", "209.00")]
PRODUCT = """query($id: ID!) { product(id: $id) { title options { name values }
  variants(first: 10) { nodes { id title sku price selectedOptions { name value }
    metafield(namespace: "talk", key: "price_excl_vat") { value } } } } }"""


def shop_product(talk: Talk, product_id: str) -> dict:
    with httpx.Client(base_url=talk.urls["shopify"], timeout=30) as shop:
        return shopify_graphql(shop, PRODUCT, {"id": product_id})["product"]


def shop_product_count(talk: Talk) -> int:
    with httpx.Client(base_url=talk.urls["shopify"], timeout=30) as shop:
        return shopify_graphql(shop, "{ productsCount { count } }")["productsCount"]["count"]


def roots_of(writes: list[dict]) -> Counter:
    return Counter(root for entry in writes for root in entry["root_fields"])


@pytest.fixture
def tee(talk: Talk) -> dict:
    """The shop's T-shirt in two sizes and two colours (three variants), one PowerOffice product
    whose code is the second variant's SKU, and a shop order for the third variant."""
    (product,) = talk.load("shopify", "products", [{
        "title": "T-skjorte", "status": "ACTIVE",
        "variants": [{"sku": sku, "price": price, "inventoryQuantity": 5,
                      "optionValues": [{"optionName": "Size", "name": size}, {"optionName": "Colour", "name": colour}]}
                     for size, colour, sku, price in TEE]}])
    (buyer,) = talk.load("shopify", "customers", [{"firstName": "Vilde", "lastName": "Variant", "email": "vilde@example.no"}])
    talk.load("shopify", "orders", [{
        "customer": {"id": buyer["id"]}, "currencyCode": "NOK", "poNumber": "WEB-TEE", "displayFinancialStatus": "PAID",
        "lineItems": [{"variantId": product["variants"][2]["id"], "quantity": 2, "originalUnitPrice": "209.00"}]}])
    talk.load("poweroffice", "products", [{"Id": 501, "Code": "TEE-M-BLK", "Name": "T-skjorte medium svart",
                                            "UnitPrice": 199.0, "IsStockItem": True, "StockOnHand": 40}])
    return product


def test_each_variant_is_one_talk_product_and_a_poweroffice_code_links_to_its_variant(talk: Talk, tee: dict):
    assert shop_product_count(talk) == 1
    talk.run_job(JOB, env=SHOP_RECORDS_INTO_THE_ERP)

    # (b) The PowerOffice product whose code is the second variant's SKU is that variant: no new
    # Shopify product.
    assert shop_product_count(talk) == 1
    store = talk.store
    variant_ids = [v["id"] for v in tee["variants"]]
    medium_black = store.global_id("poweroffice", "products", "501")
    link = store.link_for("shopify", "product", medium_black)
    assert (link.entity, link.native_id, link.extra["product_id"]) == ("product_variants", variant_ids[1], tee["id"])

    # (a) Each SKU is one Talk product, linked to its own variant, and one PowerOffice product.
    erp = {p["Code"]: p for p in talk.records("poweroffice", "products")}
    assert Counter(p["Code"] for p in talk.records("poweroffice", "products")) == {sku: 1 for _, _, sku, _ in TEE}
    assert erp["TEE-M-BLK"]["Id"] == 501
    globals_ = [store.global_id("shopify", "product_variants", vid) for vid in variant_ids]
    assert len(set(globals_)) == 3 and globals_[1] == medium_black
    for (_, _, sku, _), g, vid in zip(TEE, globals_, variant_ids):
        assert store.global_id("poweroffice", "products", str(erp[sku]["Id"])) == g
        assert store.link_for("shopify", "product", g).native_id == vid
    # A variant of a product with several variants is named by both titles in the ERP.
    assert erp["TEE-M-WHT"]["Name"] == "T-skjorte / M / White"
    # The shop's order line sells the third variant: the ERP's line is that variant's product.
    (order,) = [o for o in talk.records("poweroffice", "sales_orders") if o.get("PurchaseOrderReference") == "WEB-TEE"]
    assert [(line["ProductId"], line["Quantity"]) for line in order["SalesOrderLines"]] == [(erp["TEE-M-WHT"]["Id"], 2)]

    # The product kept its title, options and variants; the linked variant got the ERP's stock.
    product = shop_product(talk, tee["id"])
    assert product["title"] == "T-skjorte"
    assert [(o["name"], o["values"]) for o in product["options"]] == [("Size", ["S", "M"]), ("Colour", ["Black", "White"])]
    assert [(v["sku"], v["price"]) for v in product["variants"]["nodes"]] == [(sku, price) for _, _, sku, price in TEE]


def test_a_poweroffice_price_edit_reaches_only_its_variant_and_the_product_keeps_every_variant(talk: Talk, tee: dict):
    talk.run_job(JOB, env=SHOP_RECORDS_INTO_THE_ERP)
    # The variants the ERP took from the shop come back to the shop once, with Talk's metafields
    # (price excluding VAT, VAT rate); then everything is settled.
    talk.clear_logs()
    talk.run_job(JOB, env=SHOP_RECORDS_INTO_THE_ERP)
    print(f"\nshopify writes settling the variants created in the ERP: {dict(roots_of(talk.writes('shopify')))}")
    talk.clear_logs()

    # (c) The ERP raises the price of the medium black T-shirt.
    edit_native(talk, "poweroffice", "products", 501, UnitPrice=219.0)
    talk.run_job(JOB, env=SHOP_RECORDS_INTO_THE_ERP)

    product = shop_product(talk, tee["id"])
    assert shop_product_count(talk) == 1 and product["title"] == "T-skjorte"
    assert [(o["name"], o["values"]) for o in product["options"]] == [("Size", ["S", "M"]), ("Colour", ["Black", "White"])]
    variants = product["variants"]["nodes"]
    assert [v["id"] for v in variants] == [v["id"] for v in tee["variants"]]
    assert [(v["sku"], v["price"], v["title"]) for v in variants] == [
        ("TEE-S-BLK", "199.00", "S / Black"), ("TEE-M-BLK", "219.00", "M / Black"), ("TEE-M-WHT", "209.00", "M / White")]
    assert variants[1]["selectedOptions"] == [{"name": "Size", "value": "M"}, {"name": "Colour", "value": "Black"}]
    assert (variants[1]["metafield"] or {}).get("value") == "219.00"  # Talk's price excluding VAT, on that variant

    # (d) One mutation, naming that variant: no productSet (it would delete the other variants),
    # no productUpdate (the title is the other variants' too).
    roots = roots_of(talk.writes("shopify"))
    print(f"shopify writes for a price edit: {dict(roots)}; "
          f"requests: {len(talk.log('shopify'))} shopify, {len(talk.log('poweroffice'))} poweroffice")
    assert roots == {"productVariantsBulkUpdate": 1}

    # The edit came back from Shopify as an echo: the next run writes nothing anywhere.
    talk.clear_logs()
    talk.run_job(JOB, env=SHOP_RECORDS_INTO_THE_ERP)
    assert talk.writes("shopify") == [] and talk.writes("poweroffice") == []
