"""Flow 003, Custom Webshop -> Shopify: what the first sync leaves in Shopify, as a shop keeper
opening its admin would see it. The scenarios both webshop pairs share (no-op rerun, edits on
both sides, creation direction, killed run, rejects, secrets) are in test_customwebshop_flows.py."""
from __future__ import annotations

from collections import Counter

from harness import Talk
from systems import client
from test_customwebshop_flows import SHOPIFY, load_first_contact


def test_first_sync_creates_every_webshop_record_once_and_links_the_existing_ones(talk: Talk):
    load_first_contact(talk, SHOPIFY)
    talk.run(*SHOPIFY.forward)
    shopify = client(talk, "shopify")
    customers = {c["email"]: c for c in shopify.index("customers")}
    products = {v["sku"]: v for v in shopify.index("product_variants")}
    orders = list(shopify.index("orders"))
    shopify.close()

    # Ola linked, Fjordkaffe and Mari created, Kari (only in Shopify) untouched.
    assert set(customers) == {"ola.nordmann@example.no", "nettbutikk@fjordkaffe.example.no",
                              "mari.nettbutikk@example.com", "kari.shopify@example.com"}
    ola = customers["ola.nordmann@example.no"]
    assert ola["phone"].replace(" ", "") == "+4791234567"
    fjordkaffe = customers["nettbutikk@fjordkaffe.example.no"]
    assert "organisation" in fjordkaffe["tags"] and fjordkaffe["defaultAddress"]["company"] == "Fjordkaffe AS"
    assert fjordkaffe["metafields"]["talk"]["organisation_number"] == "912345670"
    mari = customers["mari.nettbutikk@example.com"]
    assert (mari["firstName"], mari["lastName"], mari["defaultAddress"]["city"]) == ("Mari", "Nettbutikk", "Bergen")

    assert set(products) == {"SKU-1001", "CWS-2002"}
    cup = products["SKU-1001"]
    assert cup["product"]["title"] == "Kaffekopp keramikk"  # the webshop's name replaced Shopify's on first contact
    assert (cup["price"], cup["barcode"], cup["inventoryQuantity"]) == (
        "159.20", "7070000000011", 30)
    assert cup["metafields"]["talk"]["price_excl_vat"] == "159.20"

    assert len(orders) == 2
    ola_order = next(o for o in orders if o["customer"]["id"] == ola["id"])
    assert ola_order["currencyCode"] == "NOK" and ola_order["processedAt"].startswith("2024-06-03")
    assert Counter((li["sku"], li["quantity"]) for li in ola_order["lineItems"]) == Counter({("SKU-1001", 2): 1, ("CWS-2002", 1): 1})

    store = talk.store
    assert store.global_id("customwebshop", "customers", "cus_ola") == store.global_id("shopify", "customers", ola["id"])
    assert store.global_id("customwebshop", "products", "prd_cup") == store.global_id("shopify", "product_variants", cup["id"])
