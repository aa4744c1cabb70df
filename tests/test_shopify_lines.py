"""Order lines keep their identity between PowerOffice GO and Shopify, end to end (`meltano run` of
the poweroffice-shopify job against the sandboxes). Shopify changes an order's lines only through
an order edit: a quantity edited in PowerOffice reaches the Shopify line in place (same LineItem
id) with orderEditBegin, one orderEditSetQuantity and orderEditCommit; a quantity changed by an
order edit in Shopify reaches the PowerOffice line in place (same Id, one PATCH)."""
from __future__ import annotations

from collections import Counter

import httpx

from harness import Talk
from systems import client, edit_erp_line
from talk_sandbox.admin import shopify_graphql

JOB = "poweroffice-shopify"
FIXTURE = "poweroffice-shopify/first-contact.json"
EDIT = Counter({"orderEditBegin": 1, "orderEditSetQuantity": 1, "orderEditCommit": 1})
# Stock follows the ERP (the confirmed order's reservation moves the product's available stock).
STOCK = {"inventorySetQuantities"}


def linked_orders(talk: Talk) -> tuple[dict, str]:
    """PowerOffice order PO-4711 (confirmed, two lines) and the gid of its Shopify order."""
    po_order = next(o for o in talk.records("poweroffice", "sales_orders") if o.get("PurchaseOrderReference") == "PO-4711")
    store = talk.store
    order_id = store.global_id("poweroffice", "sales_orders", str(po_order["Id"]))
    return po_order, store.link_for("shopify", "order", order_id).native_id


def erp_lines(talk: Talk, po_id) -> dict[str, dict]:
    order = next(o for o in talk.records("poweroffice", "sales_orders") if o["Id"] == po_id)
    codes = {p["Id"]: p["Code"] for p in talk.records("poweroffice", "products")}
    return {codes[line["ProductId"]]: line for line in order["SalesOrderLines"]}


def shop_lines(talk: Talk, shopify_id: str) -> dict[str, dict]:
    """The Shopify order's lines by SKU, as tap-shopify reads them (a removed line is none)."""
    api = client(talk, "shopify")
    try:
        return {line["sku"]: line for line in api.fetch("orders", shopify_id)["lineItems"]}
    finally:
        api.close()


def mutations(talk: Talk) -> Counter:
    return Counter(e["root_fields"][0] for e in talk.writes("shopify"))


def edit_in_shopify(talk: Talk, shopify_id: str, line_id: str, quantity: int) -> None:
    """A merchant's order edit, through the Admin API as Shopify admin makes it."""
    with httpx.Client(base_url=talk.urls["shopify"], timeout=30) as shop:
        begun = shopify_graphql(shop, "mutation($id: ID!) { orderEditBegin(id: $id) { calculatedOrder { id } userErrors { message } } }",
                                {"id": shopify_id})["orderEditBegin"]
        session = begun["calculatedOrder"]["id"]
        staged = shopify_graphql(shop, "mutation($id: ID!, $line: ID!, $q: Int!) { orderEditSetQuantity(id: $id, lineItemId: $line, "
                                       "quantity: $q) { userErrors { message } } }",
                                 {"id": session, "line": line_id.replace("/LineItem/", "/CalculatedLineItem/"), "q": quantity})
        assert staged["orderEditSetQuantity"]["userErrors"] == []
        done = shopify_graphql(shop, "mutation($id: ID!) { orderEditCommit(id: $id) { userErrors { message } } }", {"id": session})
        assert done["orderEditCommit"]["userErrors"] == []


def test_a_line_edited_on_either_side_is_changed_in_place_on_the_other(talk: Talk):
    talk.load_fixture(FIXTURE)
    talk.run_job(JOB)
    po_order, shopify_id = linked_orders(talk)
    erp_before, shop_before = erp_lines(talk, po_order["Id"]), shop_lines(talk, shopify_id)
    assert {sku: line["currentQuantity"] for sku, line in shop_before.items()} == {"SKU-1001": 2, "SKU-1002": 1}

    # The accountant changes the cups to 5 on the order line in PowerOffice GO.
    edit_erp_line(talk, po_order["Id"], erp_before["SKU-1001"]["Id"], 5)
    talk.clear_logs()
    talk.run_job(JOB)

    shop_after = shop_lines(talk, shopify_id)
    assert {sku: (line["id"], line["currentQuantity"]) for sku, line in shop_after.items()} == {
        "SKU-1001": (shop_before["SKU-1001"]["id"], 5), "SKU-1002": (shop_before["SKU-1002"]["id"], 1)}
    writes = mutations(talk)
    assert writes - Counter(STOCK) == EDIT and set(writes) - set(EDIT) <= STOCK, writes
    assert talk.writes("poweroffice") == [] and talk.rejects() == []
    print(f"PowerOffice line edit: Shopify mutations {dict(writes)}")

    talk.clear_logs()
    talk.run_job(JOB)
    assert talk.writes("shopify") == [] and talk.writes("poweroffice") == []

    # The merchant edits the order in Shopify: the coffee beans to 3.
    edit_in_shopify(talk, shopify_id, shop_before["SKU-1002"]["id"], 3)
    talk.clear_logs()
    talk.run_job(JOB)

    erp_after = erp_lines(talk, po_order["Id"])
    assert {code: (line["Id"], line["Quantity"]) for code, line in erp_after.items()} == {
        "SKU-1001": (erp_before["SKU-1001"]["Id"], 5), "SKU-1002": (erp_before["SKU-1002"]["Id"], 3)}
    writes = [(w["method"], w["path"]) for w in talk.writes("poweroffice")]
    assert writes == [("PATCH", f"/v2/SalesOrders/{po_order['Id']}/Lines/{erp_before['SKU-1002']['Id']}")], writes
    assert set(mutations(talk)) <= STOCK and talk.rejects() == []
    print(f"Shopify line edit: PowerOffice writes {writes}, Shopify {dict(mutations(talk))}")

    # The ERP's stock figure may follow once; then nothing is written.
    talk.clear_logs()
    talk.run_job(JOB)
    assert set(mutations(talk)) <= STOCK and talk.writes("poweroffice") == []
    talk.clear_logs()
    talk.run_job(JOB)
    assert talk.writes("shopify") == [] and talk.writes("poweroffice") == []
