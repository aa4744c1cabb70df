"""ShopifyClient against the Shopify sandbox: what a sync does to customers, product variants and orders."""
from __future__ import annotations

import httpx
import pytest
from talk.client import NotSearchable
from talk.http import ApiError
from talk_sandbox.processes import running

from target_shopify.client import ShopifyClient, search_term

TOKEN = "shpat_sandbox_token"


@pytest.fixture(scope="module")
def sandbox_url(tmp_path_factory):
    with running(["shopify"], tmp_path_factory.mktemp("shopify-target")) as urls:
        yield urls["shopify"]


@pytest.fixture
def client(sandbox_url):
    httpx.post(f"{sandbox_url}/_sandbox/reset").raise_for_status()
    httpx.post(f"{sandbox_url}/_sandbox/settings", json={"cost_bucket_max": 2000, "cost_restore_rate": 100})
    httpx.post(f"{sandbox_url}/_sandbox/seed").raise_for_status()
    shopify = ShopifyClient({"base_url": sandbox_url, "access_token": TOKEN})
    yield shopify
    shopify.close()


def test_a_customer_from_poweroffice_is_created_and_read_back(client):
    created = client.create("customers", {
        "firstName": "Per", "lastName": "Hansen", "email": "per.hansen@example.no", "phone": "+4791234567",
        "tags": ["talk"], "defaultAddress": {"address1": "Kirkegata 2", "city": "Oslo", "zip": "0153", "countryCodeV2": "NO"},
        "metafields": {"talk": {"global_id": "g-1"}},
    })
    assert created["id"].startswith("gid://shopify/Customer/")
    assert created["defaultAddress"]["city"] == "Oslo"
    assert created["metafields"] == {"talk": {"global_id": "g-1"}}
    assert client.fetch("customers", created["id"]) == created


def test_a_changed_phone_and_address_reach_shopify(client):
    ola = next(c for c in client.index("customers") if c["email"] == "ola.nordmann@example.no")
    stored = client.update("customers", ola["id"], {
        "phone": "+4798765432", "defaultAddress.city": "Drammen", "metafields.talk.global_id": "g-ola",
    }, ola)
    assert stored["phone"] == "+4798765432"
    assert stored["defaultAddress"]["city"] == "Drammen"
    assert stored["defaultAddress"]["address1"] == "Storgata 1"
    assert stored["metafields"]["talk"]["global_id"] == "g-ola"
    assert stored["updatedAt"] > ola["updatedAt"]


def test_a_taken_email_is_rejected_with_shopifys_reason(client):
    with pytest.raises(ApiError) as caught:
        client.create("customers", {"firstName": "Dup", "email": "kari.shopify@example.com"})
    assert caught.value.status == 422
    assert "Email has already been taken" in caught.value.detail
    assert TOKEN not in str(caught.value)


def test_a_product_with_its_variant_and_price_excluding_vat(client):
    created = client.create("product_variants", {
        "fullTitle": "Tekanne", "product": {"status": "ACTIVE"}, "sku": "SKU-2002", "price": "349.00",
        "inventoryQuantity": 7, "metafields": {"talk": {"price_excl_vat": "279.20"}},
    })
    assert created["id"].startswith("gid://shopify/ProductVariant/")
    assert (created["sku"], created["price"], created["inventoryQuantity"]) == ("SKU-2002", "349.00", 7)
    assert (created["fullTitle"], created["title"], created["product"]["variantsCount"]) == ("Tekanne", "Default Title", 1)
    assert created["metafields"]["talk"]["price_excl_vat"] == "279.20"
    assert client.fetch("product_variants", created["id"]) == created

    stored = client.update("product_variants", created["id"], {
        "price": "399.00", "inventoryQuantity": 3, "metafields.talk.price_excl_vat": "319.20", "fullTitle": "Tekanne stor",
    }, created)
    assert stored["id"] == created["id"] and stored["fullTitle"] == "Tekanne stor"
    assert (stored["price"], stored["inventoryQuantity"]) == ("399.00", 3)
    assert stored["metafields"]["talk"]["price_excl_vat"] == "319.20"

    only_metafield = client.update("product_variants", created["id"], {"metafields.talk.global_id": "p-1"}, stored)
    assert only_metafield["metafields"]["talk"] == {"price_excl_vat": "319.20", "global_id": "p-1"}

    skus = {v["sku"] for v in client.index("product_variants")}
    assert {"SKU-1001", "SHOP-ONLY-1", "SKU-2002"} <= skus


def test_writing_one_variant_leaves_its_siblings_and_the_shared_title_alone(client, sandbox_url):
    from talk_sandbox.admin import shopify_graphql

    shop = httpx.Client(base_url=sandbox_url)
    product = shopify_graphql(shop, """mutation($input: ProductSetInput!) { productSet(input: $input) { product { id } } }""", {"input": {
        "title": "T-skjorte",
        "productOptions": [{"name": "Size", "values": [{"name": "S"}, {"name": "M"}]}, {"name": "Colour", "values": [{"name": "Black"}]}],
        "variants": [{"sku": f"TEE-{s}", "price": "149.00", "optionValues": [{"optionName": "Size", "name": s}, {"optionName": "Colour", "name": "Black"}]}
                     for s in ("S", "M")]}})["productSet"]["product"]
    small, medium = [v for v in client.index("product_variants") if v["productId"] == product["id"]]
    assert (small["fullTitle"], medium["fullTitle"]) == ("T-skjorte / S / Black", "T-skjorte / M / Black")

    stored = client.update("product_variants", medium["id"], {
        "price": "159.00", "sku": "TEE-M-2", "fullTitle": "Skjorte", "title": "Medium", "metafields.talk.global_id": "g-m"}, medium)
    # the variant's own fields are written; the product's title and options are its siblings' too
    assert (stored["price"], stored["sku"], stored["fullTitle"]) == ("159.00", "TEE-M-2", "T-skjorte / M / Black")
    assert stored["metafields"] == {"talk": {"global_id": "g-m"}}
    after = shopify_graphql(shop, "query($id: ID!) { product(id: $id) { title options { name values } "
                                  "variants(first: 5) { nodes { sku price selectedOptions { name value } } } } }", {"id": product["id"]})["product"]
    assert after["title"] == "T-skjorte"
    assert [(v["sku"], v["price"]) for v in after["variants"]["nodes"]] == [("TEE-S", "149.00"), ("TEE-M-2", "159.00")]
    assert [o["name"] for o in after["options"]] == ["Size", "Colour"]
    roots = [e["root_fields"] for e in httpx.get(f"{sandbox_url}/_sandbox/log").json() if e.get("operation") == "mutation"]
    assert ["productSet"] not in roots[1:], "an existing product is never set whole"


def test_an_order_for_a_known_customer_and_variant(client):
    ola = next(c for c in client.index("customers") if c["email"] == "ola.nordmann@example.no")
    cup = next(v for v in client.index("product_variants") if v["sku"] == "SKU-1001")
    created = client.create("orders", {
        "email": ola["email"], "poNumber": "PO-77", "currencyCode": "NOK", "customer": {"id": ola["id"]},
        "processedAt": "2024-06-01T10:00:00Z",
        "lineItems": [{"variant": {"id": cup["id"]}, "quantity": 3, "originalUnitPrice": "199.00",
                       "title": "Kaffekopp", "sku": "SKU-1001"}],
        "metafields": {"talk": {"global_id": "o-1"}},
    })
    assert created["customer"] == {"id": ola["id"], "email": ola["email"]}
    assert created["lineItems"][0]["variant"]["sku"] == "SKU-1001"
    assert created["totalPrice"] == "597.00"
    assert created["metafields"]["talk"]["global_id"] == "o-1"

    stored = client.update("orders", created["id"], {"poNumber": "PO-78", "note": "Levering fredag"}, created)
    assert (stored["poNumber"], stored["note"]) == ("PO-78", "Levering fredag")
    assert client.fetch("orders", created["id"]) == stored
    assert {o["id"] for o in client.index("orders")} >= {created["id"]}

    # A line's quantity changes through an order edit, in place (tests/test_order_edits.py).
    edited = client.update("orders", created["id"], {"lineItems.0.currentQuantity": 5}, stored)
    assert (edited["lineItems"][0]["id"], edited["lineItems"][0]["currentQuantity"]) == (stored["lineItems"][0]["id"], 5)
    with pytest.raises(ApiError, match="after it is created"):
        client.update("orders", created["id"], {"currencyCode": "SEK"}, edited)


def test_an_unknown_variant_is_rejected(client):
    with pytest.raises(ApiError) as caught:
        client.create("orders", {"currencyCode": "NOK", "lineItems": [{"variant": {"id": "gid://shopify/ProductVariant/999999"}, "quantity": 1}]})
    assert caught.value.status == 422 and "Variant does not exist" in caught.value.detail


def test_index_pages_a_larger_shop_within_a_small_budget(client, sandbox_url):
    httpx.post(f"{sandbox_url}/_sandbox/seed", params={"customers": 150, "products": 0, "orders": 0}).raise_for_status()
    httpx.post(f"{sandbox_url}/_sandbox/settings", json={"cost_bucket_max": 500, "cost_restore_rate": 500})
    emails = [c["email"] for c in client.index("customers")]
    assert len(emails) == 152 == len(set(emails))
    assert client.fetch("customers", "gid://shopify/Customer/99999999") is None


def test_index_of_a_large_shop_is_one_bulk_operation(client, sandbox_url):
    httpx.post(f"{sandbox_url}/_sandbox/seed", params={"customers": 0, "products": 0, "orders": 60}).raise_for_status()
    paged = list(ShopifyClient({"base_url": sandbox_url, "access_token": TOKEN, "bulk_threshold": 0}).index("orders"))
    httpx.delete(f"{sandbox_url}/_sandbox/log")
    bulked = ShopifyClient({"base_url": sandbox_url, "access_token": TOKEN, "bulk_threshold": 50, "bulk_poll_interval": 0.05})
    orders = list(bulked.index("orders"))
    assert orders == paged and len(orders) == 61
    log = httpx.get(f"{sandbox_url}/_sandbox/log").json()
    roots = [(e.get("root_fields") or [e["path"].split("/")[1]])[0] for e in log]
    assert roots.count("ordersCount") == roots.count("bulkOperationRunQuery") == roots.count("bulk-operation-outputs") == 1
    assert "orders" not in roots and roots.count("node") == bulked.bulk_polls
    # below the threshold: paged as before
    assert len(list(bulked.index("customers"))) == 2


def searches(sandbox_url: str) -> list:
    return [e["root_fields"] for e in httpx.get(f"{sandbox_url}/_sandbox/log").json()]


def test_first_contact_finds_a_customer_by_email_and_a_variant_by_sku_in_one_request_each(client, sandbox_url):
    per = client.create("customers", {"firstName": "Per", "email": "Per.Hansen@Example.NO"})
    teapot = client.create("product_variants", {"fullTitle": "Tekanne", "sku": "te-kanne-1", "price": "349.00"})
    ola = next(c for c in client.index("customers") if c["email"] == "ola.nordmann@example.no")
    ola = client.fetch("customers", ola["id"])
    httpx.delete(f"{sandbox_url}/_sandbox/log")

    # match keys are lower-case e-mails and upper-case SKUs; the shop's own spelling may differ
    assert client.search("customers", "email:ola.nordmann@example.no") == [ola]
    assert client.search("customers", "email:per.hansen@example.no") == [per]
    assert client.search("customers", "email:nobody@example.no") == []
    assert client.search("product_variants", "sku:TE-KANNE-1") == [teapot]
    assert [v["sku"] for v in client.search("product_variants", "sku:SKU-1001")] == ["SKU-1001"]
    assert client.search("product_variants", "sku:NO-SUCH-SKU") == []
    # one filtered connection read per look-up: no bulk operation, no count, no second page
    assert searches(sandbox_url) == [["customers"]] * 3 + [["productVariants"]] * 3


def test_what_shopify_cannot_search_by_is_not_searchable_and_costs_no_request(client, sandbox_url):
    httpx.delete(f"{sandbox_url}/_sandbox/log")
    for entity, key in (("customers", "org:923456789"), ("product_variants", "email:a@b.no"), ("orders", "sku:X")):
        with pytest.raises(NotSearchable):
            client.search(entity, key)
    assert searches(sandbox_url) == []
    assert search_term("email", 'o"la\\x@example.no') == 'email:"o\\"la\\\\x@example.no"'
