"""A run costs what changed: a record new to a run is looked up in the destination through the
API's search (e-mail, SKU), not found by reading the whole destination."""
from __future__ import annotations

import httpx

from harness import Talk
from systems import client
from test_customwebshop_flows import SHOPIFY, load_first_contact

SHOP_CUSTOMERS = 600  # more than two pages of the largest page Shopify lists (250)


def shopify_reads(talk: Talk, root_field: str) -> int:
    return sum(1 for e in talk.log("shopify") if e.get("operation") == "query" and root_field in (e.get("root_fields") or []))


def test_a_new_webshop_customer_and_product_are_found_in_a_large_shop_by_look_up(talk: Talk):
    load_first_contact(talk, SHOPIFY)
    talk.run(*SHOPIFY.forward)
    # The shop grows; one of its customers and one of its products are now also new in the webshop.
    httpx.post(f"{talk.urls['shopify']}/_sandbox/seed", params={"customers": SHOP_CUSTOMERS}, timeout=120).raise_for_status()
    talk.load("shopify", "customers", [{"firstName": "Siri", "lastName": "Butikk", "email": "siri.butikk@example.no"}])
    talk.load("shopify", "products", [{"title": "Termokopp", "variants": [{"sku": "TRM-77", "price": "199.00"}]}])
    talk.load("customwebshop", "customers", [{"id": "cus_siri", "type": "person", "first_name": "Siri", "last_name": "Butikk",
                                              "email": "Siri.Butikk@Example.no", "created_at": "2024-07-01T08:00:00Z"}])
    talk.load("customwebshop", "products", [{"id": "prd_thermo", "sku": "trm-77", "name": "Termokopp", "price_excl_vat": "159.20",
                                             "vat_rate": "0.25", "stock": 4, "created_at": "2024-07-01T08:00:00Z"}])
    talk.clear_logs()

    talk.run(*SHOPIFY.forward)

    # One look-up each, not a read of the shop's 600 customers (three pages at least) or a bulk read.
    assert shopify_reads(talk, "customers") == 1
    assert shopify_reads(talk, "productVariants") == 1
    assert not any("bulkOperationRunQuery" in (e.get("root_fields") or []) for e in talk.log("shopify"))

    shopify = client(talk, "shopify")
    siris = [c for c in shopify.index("customers") if (c.get("email") or "").lower() == "siri.butikk@example.no"]
    thermos = [v for v in shopify.index("product_variants") if (v.get("sku") or "").upper() == "TRM-77"]
    shopify.close()
    assert len(siris) == 1 and len(thermos) == 1, "linked to the shop's own records, not created again"
    store = talk.store
    siri = store.global_id("customwebshop", "customers", "cus_siri")
    thermo = store.global_id("customwebshop", "products", "prd_thermo")
    assert siri and siri == store.global_id("shopify", "customers", siris[0]["id"])
    assert thermo and thermo == store.global_id("shopify", "product_variants", thermos[0]["id"])
