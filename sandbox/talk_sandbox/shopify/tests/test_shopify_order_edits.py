"""Shopify's order editing: orderEditBegin opens a CalculatedOrder, orderEditSetQuantity /
orderEditAddVariant / orderEditAddCustomItem stage changes on it, orderEditCommit saves them once.
A line keeps its LineItem id through a quantity change; a removed line stays with
currentQuantity 0; tracked inventory is claimed for added units and restocked only when asked."""
from __future__ import annotations

import pytest

from talk_sandbox.admin import shopify_graphql as gql

LOCATION = "gid://shopify/Location/1"
CALCULATED = "id committed lineItems(first: 20) { nodes { id quantity sku variant { id } } } addedLineItems(first: 20) { nodes { id quantity title } }"
LINE = "id quantity editableQuantityBeforeChanges restocking title originalUnitPriceSet { shopMoney { amount } }"
BEGIN = "mutation($id: ID!) { orderEditBegin(id: $id) { calculatedOrder { %s } userErrors { field message } } }" % CALCULATED
SET_QUANTITY = """mutation($id: ID!, $line: ID!, $quantity: Int!, $restock: Boolean) {
  orderEditSetQuantity(id: $id, lineItemId: $line, quantity: $quantity, restock: $restock) {
    calculatedLineItem { %s } calculatedOrder { id } userErrors { field message } } }""" % LINE
ADD_VARIANT = """mutation($id: ID!, $variant: ID!, $quantity: Int!, $duplicates: Boolean) {
  orderEditAddVariant(id: $id, variantId: $variant, quantity: $quantity, allowDuplicates: $duplicates) {
    calculatedLineItem { %s } calculatedOrder { %s } userErrors { field message } } }""" % (LINE, CALCULATED)
ADD_CUSTOM = """mutation($id: ID!, $title: String!, $price: MoneyInput!, $quantity: Int!) {
  orderEditAddCustomItem(id: $id, title: $title, price: $price, quantity: $quantity) {
    calculatedLineItem { %s } userErrors { field message } } }""" % LINE
COMMIT = """mutation($id: ID!) { orderEditCommit(id: $id, notifyCustomer: false, staffNote: "test") {
  order { id updatedAt currentTotalPriceSet { shopMoney { amount } }
          lineItems(first: 20) { nodes { id quantity currentQuantity sku title originalUnitPriceSet { shopMoney { amount } } } } }
  userErrors { field message } } }"""
ORDER = "query($id: ID!) { order(id: $id) { id updatedAt lineItems(first: 20) { nodes { id quantity currentQuantity sku } } } }"

pytestmark = pytest.mark.usefixtures("demo")


@pytest.fixture()
def order(shop) -> dict:
    """The demo order: one line of two cups (SKU-1001 at 199.00), paid."""
    return gql(shop, "{ orders(first: 1) { nodes { id updatedAt lineItems(first: 5) { nodes { id quantity currentQuantity sku variant { id } } } } } }")["orders"]["nodes"][0]


def begin(shop, order_id: str) -> dict:
    answer = gql(shop, BEGIN, {"id": order_id})["orderEditBegin"]
    assert answer["userErrors"] == []
    return answer["calculatedOrder"]


def commit(shop, session_id: str) -> dict:
    answer = gql(shop, COMMIT, {"id": session_id})["orderEditCommit"]
    assert answer["userErrors"] == []
    return answer["order"]


def lines(answer: dict) -> dict[str, dict]:
    return {line["id"]: line for line in answer["lineItems"]["nodes"]}


def test_a_quantity_change_keeps_the_line_item_and_moves_the_order(shop, order):
    line = order["lineItems"]["nodes"][0]
    assert (line["quantity"], line["currentQuantity"]) == (2, 2)
    session = begin(shop, order["id"])
    assert session["id"].startswith("gid://shopify/CalculatedOrder/") and session["committed"] is False
    # The calculated line of an existing line carries its LineItem's number.
    calculated = session["lineItems"]["nodes"][0]
    assert calculated["id"] == line["id"].replace("/LineItem/", "/CalculatedLineItem/") and calculated["quantity"] == 2
    staged = gql(shop, SET_QUANTITY, {"id": session["id"], "line": calculated["id"], "quantity": 5})["orderEditSetQuantity"]
    assert staged["userErrors"] == [] and staged["calculatedLineItem"]["quantity"] == 5
    assert staged["calculatedLineItem"]["editableQuantityBeforeChanges"] == 2
    assert lines(gql(shop, ORDER, {"id": order["id"]})["order"])[line["id"]]["currentQuantity"] == 2  # nothing saved yet

    saved = commit(shop, session["id"])
    assert (lines(saved)[line["id"]]["quantity"], lines(saved)[line["id"]]["currentQuantity"]) == (5, 5)
    assert list(lines(saved)) == [line["id"]]
    assert saved["updatedAt"] > order["updatedAt"]
    assert saved["currentTotalPriceSet"]["shopMoney"]["amount"] == "995.00"


def test_quantity_zero_removes_a_line_which_stays_with_current_quantity_zero(shop, order):
    line = order["lineItems"]["nodes"][0]
    session = begin(shop, order["id"])
    cup = session["lineItems"]["nodes"][0]
    hand = gql(shop, "{ productVariants(first: 1, query: \"sku:SHOP-ONLY-1\") { nodes { id } } }")["productVariants"]["nodes"][0]
    assert gql(shop, ADD_VARIANT, {"id": session["id"], "variant": hand["id"], "quantity": 1})["orderEditAddVariant"]["userErrors"] == []
    assert gql(shop, SET_QUANTITY, {"id": session["id"], "line": cup["id"], "quantity": 0})["orderEditSetQuantity"]["userErrors"] == []
    saved = lines(commit(shop, session["id"]))
    assert (saved[line["id"]]["quantity"], saved[line["id"]]["currentQuantity"]) == (2, 0)
    # The removed line is no line of the next edit.
    again = begin(shop, order["id"])
    assert [calculated["sku"] for calculated in again["lineItems"]["nodes"]] == ["SHOP-ONLY-1"]
    refused = gql(shop, SET_QUANTITY, {"id": again["id"], "line": cup["id"], "quantity": 1})["orderEditSetQuantity"]
    assert refused["calculatedLineItem"] is None and refused["userErrors"][0]["field"] == ["lineItemId"]


def test_added_lines_become_new_line_items(shop, order):
    cup = order["lineItems"]["nodes"][0]
    session = begin(shop, order["id"])
    duplicate = gql(shop, ADD_VARIANT, {"id": session["id"], "variant": cup["variant"]["id"], "quantity": 1})["orderEditAddVariant"]
    assert duplicate["calculatedLineItem"] is None and duplicate["userErrors"][0]["field"] == ["variantId"]
    added = gql(shop, ADD_VARIANT, {"id": session["id"], "variant": cup["variant"]["id"], "quantity": 1,
                                    "duplicates": True})["orderEditAddVariant"]
    assert added["userErrors"] == [] and added["calculatedLineItem"]["originalUnitPriceSet"]["shopMoney"]["amount"] == "199.00"
    assert added["calculatedLineItem"]["id"].startswith("gid://shopify/CalculatedLineItem/")
    assert [line["quantity"] for line in added["calculatedOrder"]["addedLineItems"]["nodes"]] == [1]
    custom = gql(shop, ADD_CUSTOM, {"id": session["id"], "title": "Gavepapir", "quantity": 2,
                                    "price": {"amount": "25.00", "currencyCode": "NOK"}})["orderEditAddCustomItem"]
    assert custom["userErrors"] == [] and custom["calculatedLineItem"]["title"] == "Gavepapir"
    saved = commit(shop, session["id"])["lineItems"]["nodes"]
    assert [(line["sku"], line["title"], line["currentQuantity"]) for line in saved] == [
        ("SKU-1001", "Kaffekopp", 2), ("SKU-1001", "Kaffekopp", 1), (None, "Gavepapir", 2)]
    assert saved[0]["id"] == cup["id"] and len({line["id"] for line in saved}) == 3
    assert all(line["id"].startswith("gid://shopify/LineItem/") for line in saved)


def test_a_session_commits_once(shop, order):
    session = begin(shop, order["id"])
    line = session["lineItems"]["nodes"][0]
    gql(shop, SET_QUANTITY, {"id": session["id"], "line": line["id"], "quantity": 3})
    assert lines(commit(shop, session["id"]))[order["lineItems"]["nodes"][0]["id"]]["currentQuantity"] == 3
    again = gql(shop, COMMIT, {"id": session["id"]})["orderEditCommit"]
    assert again["order"] is None and again["userErrors"][0]["message"] == "The calculated order has already been committed."
    staged = gql(shop, SET_QUANTITY, {"id": session["id"], "line": line["id"], "quantity": 4})["orderEditSetQuantity"]
    assert staged["userErrors"] and lines(gql(shop, ORDER, {"id": order["id"]})["order"])[order["lineItems"]["nodes"][0]["id"]]["currentQuantity"] == 3


def test_user_errors(shop, order):
    unknown = gql(shop, BEGIN, {"id": "gid://shopify/Order/1"})["orderEditBegin"]
    assert unknown["calculatedOrder"] is None and unknown["userErrors"][0]["field"] == ["id"]
    session = begin(shop, order["id"])
    line = session["lineItems"]["nodes"][0]["id"]
    negative = gql(shop, SET_QUANTITY, {"id": session["id"], "line": line, "quantity": -1})["orderEditSetQuantity"]
    assert negative["userErrors"][0]["field"] == ["quantity"]
    missing = gql(shop, ADD_VARIANT, {"id": session["id"], "variant": "gid://shopify/ProductVariant/1", "quantity": 1})
    assert missing["orderEditAddVariant"]["userErrors"][0]["field"] == ["variantId"]
    blank = gql(shop, ADD_CUSTOM, {"id": session["id"], "title": " ", "quantity": 0, "price": {"amount": "-1", "currencyCode": "NOK"}})
    assert sorted(e["field"][0] for e in blank["orderEditAddCustomItem"]["userErrors"]) == ["price", "quantity", "title"]
    gone = gql(shop, COMMIT, {"id": "gid://shopify/CalculatedOrder/999"})["orderEditCommit"]
    assert gone["userErrors"][0]["field"] == ["id"]


def test_mutations_cost_ten_and_are_logged_by_root_field(shop, order):
    shop.delete("/_sandbox/log")
    body = shop.post("/admin/api/2025-04/graphql.json", headers={"X-Shopify-Access-Token": "shpat_sandbox_token"},
                     json={"query": BEGIN, "variables": {"id": order["id"]}}).json()
    assert body["extensions"]["cost"]["requestedQueryCost"] == 10
    entry = shop.get("/_sandbox/log").json()[-1]
    assert (entry["operation"], entry["root_fields"]) == ("mutation", ["orderEditBegin"])


def test_a_fault_after_the_commit_loses_the_answer_not_the_edit(shop, order):
    session = begin(shop, order["id"])
    gql(shop, SET_QUANTITY, {"id": session["id"], "line": session["lineItems"]["nodes"][0]["id"], "quantity": 4})
    shop.post("/_sandbox/faults", json={"path": "/admin/api/2025-04/graphql.json", "body_contains": "orderEditCommit",
                                        "after": True, "status": 503})
    try:
        # The fault names the commit only: this read goes through.
        assert gql(shop, ORDER, {"id": order["id"]})["order"]["lineItems"]["nodes"][0]["currentQuantity"] == 2
        lost = shop.post("/admin/api/2025-04/graphql.json", headers={"X-Shopify-Access-Token": "shpat_sandbox_token"},
                         json={"query": COMMIT, "variables": {"id": session["id"]}})
        assert lost.status_code == 503
    finally:
        shop.delete("/_sandbox/faults")
    assert gql(shop, ORDER, {"id": order["id"]})["order"]["lineItems"]["nodes"][0]["currentQuantity"] == 4


# -- inventory -------------------------------------------------------------------------------------
PRODUCT_SET = """mutation($input: ProductSetInput!) { productSet(input: $input, synchronous: true) {
  product { variants(first: 1) { nodes { id } } } userErrors { field message } } }"""
QUANTITIES = """query($id: ID!) { productVariant(id: $id) { inventoryItem { inventoryLevel(locationId: "%s") {
  quantities(names: ["available", "committed", "on_hand"]) { name quantity } } } } }""" % LOCATION
ORDER_CREATE = """mutation($order: OrderCreateOrderInput!, $options: OrderCreateOptionsInput) {
  orderCreate(order: $order, options: $options) { order { id } userErrors { field message } } }"""


def stock(shop, variant_id: str) -> dict:
    level = gql(shop, QUANTITIES, {"id": variant_id})["productVariant"]["inventoryItem"]["inventoryLevel"]
    return {q["name"]: q["quantity"] for q in level["quantities"]}


def test_tracked_inventory_moves_with_the_edit_and_restock(shop):
    variant = gql(shop, PRODUCT_SET, {"input": {"title": "Kjele", "variants": [{"sku": "KJELE-1", "price": "300.00",
        "inventoryQuantities": [{"locationId": LOCATION, "name": "available", "quantity": 10}]}]}})["productSet"]["product"]["variants"]["nodes"][0]
    created = gql(shop, ORDER_CREATE, {"order": {"currency": "NOK", "lineItems": [{"variantId": variant["id"], "quantity": 2}]},
                                       "options": {"inventoryBehaviour": "DECREMENT_IGNORING_POLICY"}})["orderCreate"]["order"]
    assert stock(shop, variant["id"]) == {"available": 8, "committed": 2, "on_hand": 10}

    def edit(quantity: int, restock: bool) -> None:
        session = begin(shop, created["id"])
        line = session["lineItems"]["nodes"][0]["id"]
        gql(shop, SET_QUANTITY, {"id": session["id"], "line": line, "quantity": quantity, "restock": restock})
        commit(shop, session["id"])

    edit(3, False)  # one more unit: claimed
    assert stock(shop, variant["id"]) == {"available": 7, "committed": 3, "on_hand": 10}
    edit(1, True)  # two fewer, restocked: available again
    assert stock(shop, variant["id"]) == {"available": 9, "committed": 1, "on_hand": 10}
    edit(0, False)  # the last one removed and not restocked: it leaves the shelf
    assert stock(shop, variant["id"]) == {"available": 9, "committed": 0, "on_hand": 9}
