"""Shopify inventory: variants have an inventory item stocked at the shop's location; productSet
sets `available`, inventorySetQuantities and inventoryAdjustQuantities change it with Shopify's
payload (InventoryAdjustmentGroup.changes) and userError codes, and orderCreate claims tracked
inventory only when asked to (inventoryBehaviour DECREMENT_*; BYPASS is Shopify's default)."""
from __future__ import annotations

import pytest

from talk_sandbox.admin import shopify_graphql as gql

LOCATION = "gid://shopify/Location/1"
VARIANT = "id sku inventoryQuantity inventoryPolicy inventoryItem { id tracked inventoryLevel(locationId: \"%s\") { quantities(names: [\"available\", \"committed\", \"on_hand\", \"damaged\"]) { name quantity } } }" % LOCATION
PRODUCT_SET = """mutation($input: ProductSetInput!, $identifier: ProductSetIdentifiers) {
  productSet(input: $input, identifier: $identifier, synchronous: true) {
    product { id updatedAt variants(first: 5) { nodes { %s } } } userErrors { field message code } } }""" % VARIANT
SET = """mutation($input: InventorySetQuantitiesInput!) { inventorySetQuantities(input: $input) {
  inventoryAdjustmentGroup { reason referenceDocumentUri changes { name delta quantityAfterChange item { id } location { id } } }
  userErrors { field message code } } }"""
ADJUST = """mutation($input: InventoryAdjustQuantitiesInput!) { inventoryAdjustQuantities(input: $input) {
  inventoryAdjustmentGroup { reason changes { name delta quantityAfterChange ledgerDocumentUri } }
  userErrors { field message code } } }"""
ORDER = """mutation($order: OrderCreateOrderInput!, $options: OrderCreateOptionsInput) {
  orderCreate(order: $order, options: $options) { order { id } userErrors { field message code } } }"""
READ = "query($id: ID!) { productVariant(id: $id) { %s product { updatedAt totalInventory } } }" % VARIANT


pytestmark = pytest.mark.usefixtures("demo")


def quantities(variant: dict) -> dict:
    return {q["name"]: q["quantity"] for q in variant["inventoryItem"]["inventoryLevel"]["quantities"]}


@pytest.fixture()
def kettle(shop) -> dict:
    """A product whose one variant has 10 available, set the way Talk's target sets it."""
    answer = gql(shop, PRODUCT_SET, {"input": {
        "title": "Kjele", "productOptions": [{"name": "Title", "values": [{"name": "Default Title"}]}],
        "variants": [{"sku": "KJELE-1", "price": "300.00", "optionValues": [{"optionName": "Title", "name": "Default Title"}],
                      "inventoryQuantities": [{"locationId": LOCATION, "name": "available", "quantity": 10}]}]}})["productSet"]
    assert answer["userErrors"] == []
    return answer["product"]["variants"]["nodes"][0]


def read(shop, variant_id: str) -> dict:
    return gql(shop, READ, {"id": variant_id})["productVariant"]


def test_product_set_quantities_land_on_a_tracked_inventory_item(shop, kettle):
    assert kettle["inventoryQuantity"] == 10 and kettle["inventoryItem"]["tracked"] is True
    assert kettle["inventoryItem"]["id"].startswith("gid://shopify/InventoryItem/")
    assert quantities(kettle) == {"available": 10, "committed": 0, "on_hand": 10, "damaged": 0}
    product = gql(shop, "{ products(first: 5, query: \"sku:KJELE-1\") { nodes { id } } }")["products"]["nodes"][0]
    again = gql(shop, PRODUCT_SET, {"identifier": {"id": product["id"]}, "input": {"variants": [
        {"id": kettle["id"], "inventoryQuantities": [{"locationId": LOCATION, "name": "available", "quantity": 7}]}]}})
    assert again["productSet"]["product"]["variants"]["nodes"][0]["inventoryQuantity"] == 7
    item = gql(shop, "query($id: ID!) { inventoryItem(id: $id) { tracked sku variant { id } } }",
               {"id": kettle["inventoryItem"]["id"]})["inventoryItem"]
    assert item == {"tracked": True, "sku": "KJELE-1", "variant": {"id": kettle["id"]}}


def test_order_create_claims_only_when_asked(shop, kettle):
    line = {"variantId": kettle["id"], "quantity": 3}
    order = {"currency": "NOK", "lineItems": [line]}
    assert gql(shop, ORDER, {"order": order})["orderCreate"]["userErrors"] == []
    assert read(shop, kettle["id"])["inventoryQuantity"] == 10  # BYPASS, Shopify's default
    before = read(shop, kettle["id"])["product"]["updatedAt"]
    answer = gql(shop, ORDER, {"order": order, "options": {"inventoryBehaviour": "DECREMENT_OBEYING_POLICY"}})
    assert answer["orderCreate"]["userErrors"] == []
    after = read(shop, kettle["id"])
    assert after["inventoryQuantity"] == 7 and after["product"]["totalInventory"] == 7
    assert quantities(after) == {"available": 7, "committed": 3, "on_hand": 10, "damaged": 0}
    assert after["product"]["updatedAt"] == before  # quantities live on the inventory level


def test_obeying_the_policy_refuses_an_order_that_oversells(shop, kettle):
    order = {"currency": "NOK", "lineItems": [{"variantId": kettle["id"], "quantity": 11}]}
    refused = gql(shop, ORDER, {"order": order, "options": {"inventoryBehaviour": "DECREMENT_OBEYING_POLICY"}})["orderCreate"]
    assert refused["order"] is None and refused["userErrors"][0]["code"] == "INVENTORY_CLAIM_FAILED"
    assert read(shop, kettle["id"])["inventoryQuantity"] == 10
    ignoring = gql(shop, ORDER, {"order": order, "options": {"inventoryBehaviour": "DECREMENT_IGNORING_POLICY"}})["orderCreate"]
    assert ignoring["userErrors"] == [] and read(shop, kettle["id"])["inventoryQuantity"] == -1


def test_an_untracked_variant_is_never_claimed(shop):
    product = gql(shop, "mutation { productCreate(product: {title: \"Gavekort\"}) { product { variants(first: 1) { nodes { id inventoryItem { tracked } } } } } }")
    variant = product["productCreate"]["product"]["variants"]["nodes"][0]
    assert variant["inventoryItem"]["tracked"] is False
    gql(shop, ORDER, {"order": {"currency": "NOK", "lineItems": [{"variantId": variant["id"], "quantity": 2}]},
                      "options": {"inventoryBehaviour": "DECREMENT_IGNORING_POLICY"}})
    assert read(shop, variant["id"])["inventoryQuantity"] == 0


def test_inventory_set_quantities(shop, kettle):
    item = kettle["inventoryItem"]["id"]
    answer = gql(shop, SET, {"input": {"name": "available", "reason": "correction", "referenceDocumentUri": "gid://talk/Sync/1",
                                       "quantities": [{"inventoryItemId": item, "locationId": LOCATION, "quantity": 15,
                                                       "compareQuantity": 10}]}})["inventorySetQuantities"]
    assert answer["userErrors"] == []
    group = answer["inventoryAdjustmentGroup"]
    assert (group["reason"], group["referenceDocumentUri"]) == ("correction", "gid://talk/Sync/1")
    assert [(c["name"], c["delta"], c["quantityAfterChange"]) for c in group["changes"]] == [("available", 5, 15), ("on_hand", 5, 15)]
    assert group["changes"][0]["item"]["id"] == item and group["changes"][0]["location"]["id"] == LOCATION
    assert read(shop, kettle["id"])["inventoryQuantity"] == 15

    def refused(input: dict) -> list[dict]:
        answer = gql(shop, SET, {"input": {"name": "available", "reason": "correction", **input}})["inventorySetQuantities"]
        assert answer["inventoryAdjustmentGroup"] is None
        return [(e["code"], e["field"]) for e in answer["userErrors"]]

    entry = {"inventoryItemId": item, "locationId": LOCATION, "quantity": 1}
    assert refused({"quantities": [{**entry, "compareQuantity": 10}]}) == [
        ("COMPARE_QUANTITY_STALE", ["input", "quantities", "0", "compareQuantity"])]
    assert refused({"quantities": [entry]})[0][0] == "COMPARE_QUANTITY_REQUIRED"
    assert refused({"quantities": [entry], "ignoreCompareQuantity": True, "name": "committed"})[0][0] == "INVALID_NAME"
    assert refused({"quantities": [entry], "ignoreCompareQuantity": True, "reason": "because"})[0][0] == "INVALID_REASON"
    assert refused({"quantities": [{**entry, "inventoryItemId": kettle["id"]}], "ignoreCompareQuantity": True})[0][0] == "INVALID_INVENTORY_ITEM"
    assert refused({"quantities": [{**entry, "locationId": "gid://shopify/Location/9"}], "ignoreCompareQuantity": True})[0][0] == "INVALID_LOCATION"
    assert read(shop, kettle["id"])["inventoryQuantity"] == 15  # nothing refused was applied

    on_hand = gql(shop, SET, {"input": {"name": "on_hand", "reason": "cycle_count_available", "ignoreCompareQuantity": True,
                                        "quantities": [{**entry, "quantity": 12}]}})["inventorySetQuantities"]
    assert [(c["name"], c["delta"]) for c in on_hand["inventoryAdjustmentGroup"]["changes"]] == [("available", -3), ("on_hand", -3)]


def test_inventory_adjust_quantities(shop, kettle):
    item = kettle["inventoryItem"]["id"]
    change = {"inventoryItemId": item, "locationId": LOCATION, "delta": -4}
    answer = gql(shop, ADJUST, {"input": {"name": "available", "reason": "shrinkage", "changes": [change]}})["inventoryAdjustQuantities"]
    assert answer["userErrors"] == []
    assert [(c["name"], c["delta"], c["quantityAfterChange"]) for c in answer["inventoryAdjustmentGroup"]["changes"]] == [
        ("available", -4, 6), ("on_hand", -4, 6)]
    damaged = gql(shop, ADJUST, {"input": {"name": "damaged", "reason": "damaged", "changes": [
        {**change, "delta": 2, "ledgerDocumentUri": "gid://talk/Damage/1"}]}})["inventoryAdjustQuantities"]
    assert [(c["name"], c["quantityAfterChange"]) for c in damaged["inventoryAdjustmentGroup"]["changes"]] == [("damaged", 2), ("on_hand", 8)]
    assert quantities(read(shop, kettle["id"])) == {"available": 6, "committed": 0, "on_hand": 8, "damaged": 2}

    def codes(input: dict) -> list[str]:
        answer = gql(shop, ADJUST, {"input": {"name": "available", "reason": "correction", "changes": [change], **input}})
        return [e["code"] for e in answer["inventoryAdjustQuantities"]["userErrors"]]

    assert codes({"name": "damaged"}) == ["INVALID_QUANTITY_DOCUMENT"]
    assert codes({"changes": [{**change, "ledgerDocumentUri": "gid://talk/X/1"}]}) == ["INVALID_AVAILABLE_DOCUMENT"]
    assert codes({"name": "committed"}) == ["INVALID_QUANTITY_NAME", "INVALID_QUANTITY_DOCUMENT"]
    assert codes({"reason": "lost"}) == ["INVALID_REASON"]
    assert read(shop, kettle["id"])["inventoryQuantity"] == 6


def test_seeded_variants_read_as_tracked_stock_at_the_location(shop):
    variant = gql(shop, "{ productVariants(first: 1, query: \"sku:SKU-1001\") { nodes { %s } } }" % VARIANT)["productVariants"]["nodes"][0]
    assert variant["inventoryQuantity"] == 25 and variant["inventoryItem"]["tracked"] is True
    assert quantities(variant)["on_hand"] == 25
    shop.post("/_sandbox/seed", params={"products": 3})
    sized = gql(shop, "{ productVariants(first: 1) { nodes { %s } } }" % VARIANT)["productVariants"]["nodes"][0]
    assert quantities(sized)["available"] == sized["inventoryQuantity"]
