"""An order's lines changed in Shopify through one order edit session, against the Shopify sandbox:
orderEditBegin, one request per changed line (orderEditSetQuantity; 0 for a removed line;
orderEditAddVariant / orderEditAddCustomItem for a new one), orderEditCommit. A changed line keeps
its LineItem id; what an edit cannot change refuses the record before any request; a commit whose
answer is lost is not sent again once it landed."""
from __future__ import annotations

import json
import time

import httpx
import pytest
from talk.http import ApiError
from talk_sandbox.common.emulator import LOST_ANSWERS as LOST
from talk_sandbox.processes import running

from target_shopify.client import ShopifyClient

TOKEN = "shpat_sandbox_token"
EDIT = ["orderEditBegin", "orderEditSetQuantity", "orderEditCommit"]


@pytest.fixture(scope="module")
def sandbox_url(tmp_path_factory):
    with running(["shopify"], tmp_path_factory.mktemp("shopify-order-edits")) as urls:
        yield urls["shopify"]


class Sent:
    """The GraphQL bodies a client sent (its own httpx requests, read on the way out)."""

    def __init__(self, client: ShopifyClient):
        self.bodies: list[dict] = []
        client.session.client.event_hooks["request"].append(lambda request: self.bodies.append(json.loads(request.content)))

    def mutations(self) -> list[tuple[str, dict]]:
        out = []
        for body in self.bodies:
            query = body["query"]
            if query.lstrip().startswith("mutation"):
                root = query.split("{", 2)[1].split("(")[0].strip()
                out.append((root, body["variables"]))
        return out

    def clear(self) -> None:
        self.bodies.clear()


@pytest.fixture
def shop(sandbox_url):
    httpx.post(f"{sandbox_url}/_sandbox/reset").raise_for_status()
    httpx.post(f"{sandbox_url}/_sandbox/settings", json={"cost_bucket_max": 2000, "cost_restore_rate": 100})
    httpx.post(f"{sandbox_url}/_sandbox/seed").raise_for_status()
    httpx.delete(f"{sandbox_url}/_sandbox/faults")
    return sandbox_url


@pytest.fixture
def client(shop):
    shopify = ShopifyClient({"base_url": shop, "access_token": TOKEN, "timeout": 1})
    yield shopify
    shopify.close()


@pytest.fixture
def order(client) -> dict:
    """An order Talk created: three cups and one shopping bag."""
    variants = {v["sku"]: v for v in client.index("product_variants")}
    return client.create("orders", {"currencyCode": "NOK", "lineItems": [
        {"variant": {"id": variants["SKU-1001"]["id"]}, "currentQuantity": 3, "originalUnitPrice": "199.00"},
        {"variant": {"id": variants["SHOP-ONLY-1"]["id"]}, "currentQuantity": 1, "originalUnitPrice": "49.00"}]})


def desired(order: dict, **quantities) -> list[dict]:
    """The order's lines as the mapping writes them (id, variant, title, price, currentQuantity),
    with new quantities by SKU."""
    return [{"id": line["id"], "variant": line["variant"], "sku": line["sku"], "title": line["title"],
             "originalUnitPrice": line["originalUnitPrice"], "discountPercent": 0,
             "currentQuantity": quantities.get((line["sku"] or "").replace("-", "_"), line["currentQuantity"])}
            for line in order["lineItems"]]


def lines_by_sku(order: dict) -> dict[str, dict]:
    return {line["sku"]: line for line in order["lineItems"]}


def roots(url: str) -> list[str]:
    return [e["root_fields"][0] for e in httpx.get(f"{url}/_sandbox/log").json() if e.get("root_fields")]


def test_a_quantity_change_is_one_set_quantity_in_one_session(client, order, shop):
    sent, cup = Sent(client), lines_by_sku(order)["SKU-1001"]
    httpx.delete(f"{shop}/_sandbox/log")
    stored = client.update("orders", order["id"], {"lineItems": desired(order, SKU_1001=5)}, order)
    assert roots(shop) == EDIT  # the commit answers with the order: no read after it
    (_, begin), (_, staged), (_, commit) = sent.mutations()
    assert begin == {"id": order["id"]}
    assert staged["lineItemId"] == cup["id"].replace("/LineItem/", "/CalculatedLineItem/") and staged["quantity"] == 5
    assert staged["id"] == commit["id"] and staged["id"].startswith("gid://shopify/CalculatedOrder/")
    assert lines_by_sku(stored)["SKU-1001"]["id"] == cup["id"]  # the same line, in place
    assert [(line["sku"], line["currentQuantity"]) for line in stored["lineItems"]] == [("SKU-1001", 5), ("SHOP-ONLY-1", 1)]
    assert stored == client.fetch("orders", order["id"]) and stored["updatedAt"] >= order["updatedAt"]


def test_a_removed_line_is_set_to_zero_and_leaves_the_record(client, order, shop):
    sent, bag = Sent(client), lines_by_sku(order)["SHOP-ONLY-1"]
    stored = client.update("orders", order["id"], {"lineItems": desired(order)[:1]}, order)
    assert [root for root, _ in sent.mutations()] == EDIT
    assert sent.mutations()[1][1]["lineItemId"].endswith(bag["id"].split("/")[-1]) and sent.mutations()[1][1]["quantity"] == 0
    assert [line["sku"] for line in stored["lineItems"]] == ["SKU-1001"]
    # Shopify keeps the removed line, with currentQuantity 0.
    raw = client.graphql("query($id: ID!) { order(id: $id) { lineItems(first: 5) { nodes { id quantity currentQuantity } } } }",
                         {"id": order["id"]})["order"]["lineItems"]["nodes"]
    assert {"id": bag["id"], "quantity": 1, "currentQuantity": 0} in raw


def test_a_new_line_is_added_by_its_variant_and_a_line_without_one_as_a_custom_item(client, order, shop):
    sent, cup = Sent(client), lines_by_sku(order)["SKU-1001"]
    wanted = desired(order) + [
        {"variant": cup["variant"], "sku": "SKU-1001", "currentQuantity": 2, "originalUnitPrice": "199.00"},
        {"variant": None, "sku": "GAVE-1", "title": "Gavepapir", "currentQuantity": 1, "originalUnitPrice": "25.00"}]
    stored = client.update("orders", order["id"], {"lineItems": wanted}, order)
    assert [root for root, _ in sent.mutations()] == ["orderEditBegin", "orderEditAddVariant", "orderEditAddCustomItem", "orderEditCommit"]
    (_, variant), (_, custom) = sent.mutations()[1:3]
    assert (variant["variantId"], variant["quantity"]) == (cup["variant"]["id"], 2)
    assert (custom["title"], custom["price"], custom["quantity"]) == ("Gavepapir", {"amount": "25.00", "currencyCode": "NOK"}, 1)
    assert [(line["sku"], line["title"], line["currentQuantity"]) for line in stored["lineItems"]] == [
        ("SKU-1001", "Kaffekopp", 3), ("SHOP-ONLY-1", "Handlenett", 1), ("SKU-1001", "Kaffekopp", 2), (None, "Gavepapir", 1)]
    assert stored["lineItems"][0]["id"] == cup["id"] and len({line["id"] for line in stored["lineItems"]}) == 4


def test_unchanged_lines_and_order_fields_cost_no_edit(client, order, shop):
    sent = Sent(client)
    stored = client.update("orders", order["id"], {"lineItems": desired(order), "poNumber": "PO-9"}, order)
    assert [root for root, _ in sent.mutations()] == ["orderUpdate"] and stored["poNumber"] == "PO-9"
    sent.clear()
    both = client.update("orders", order["id"], {"lineItems": desired(stored, SHOP_ONLY_1=4), "note": "Fredag"}, stored)
    assert [root for root, _ in sent.mutations()] == EDIT + ["orderUpdate"]
    assert (both["note"], lines_by_sku(both)["SHOP-ONLY-1"]["currentQuantity"]) == ("Fredag", 4)


def test_what_an_edit_cannot_change_refuses_the_record_before_any_request(client, order, shop):
    sent = Sent(client)
    wanted = desired(order, SKU_1001=5)
    wanted[0]["originalUnitPrice"] = "149.00"
    with pytest.raises(ApiError) as refused:
        client.update("orders", order["id"], {"lineItems": wanted}, order)
    assert refused.value.status == 422
    assert f"line SKU-1001 ({order['lineItems'][0]['id']}): unit price 199.00 -> 149.00" in refused.value.detail
    assert "Nothing of this order was written" in refused.value.detail
    assert sent.bodies == [] and client.fetch("orders", order["id"]) == order


def test_a_new_line_shopify_would_price_otherwise_is_refused_uncommitted(client, order, shop):
    cup = lines_by_sku(order)["SKU-1001"]
    wanted = desired(order) + [{"variant": cup["variant"], "sku": "SKU-1001", "currentQuantity": 1, "originalUnitPrice": "150.00"}]
    with pytest.raises(ApiError, match="Shopify adds it at the product's price 199.00, not 150.00"):
        client.update("orders", order["id"], {"lineItems": wanted}, order)
    assert "orderEditCommit" not in roots(shop) and client.fetch("orders", order["id"]) == order


@pytest.mark.parametrize("lost", LOST.values(), ids=LOST.keys())
def test_a_commit_whose_answer_is_lost_is_not_sent_again_once_it_landed(client, order, shop, lost):
    cup = lines_by_sku(order)["SKU-1001"]
    wanted = desired(order, SKU_1001=4) + [{"variant": cup["variant"], "sku": "SKU-1001", "currentQuantity": 1,
                                            "originalUnitPrice": "199.00"}]
    httpx.post(f"{shop}/_sandbox/faults", json={"method": "POST", "path_prefix": client.path,
                                                "body_contains": "orderEditCommit", **lost}).raise_for_status()
    stored = client.update("orders", order["id"], {"lineItems": wanted}, order)
    time.sleep(lost.get("delay_ms", 0) / 1000)
    assert roots(shop).count("orderEditCommit") == 1
    assert [(line["sku"], line["currentQuantity"]) for line in stored["lineItems"]] == [("SKU-1001", 4), ("SHOP-ONLY-1", 1), ("SKU-1001", 1)]
    assert stored == client.fetch("orders", order["id"])


def test_a_commit_refused_before_it_was_applied_is_edited_again(client, order, shop):
    httpx.post(f"{shop}/_sandbox/faults", json={"method": "POST", "path_prefix": client.path,
                                                "body_contains": "orderEditCommit", "status": 503}).raise_for_status()
    stored = client.update("orders", order["id"], {"lineItems": desired(order, SKU_1001=6)}, order)
    assert roots(shop).count("orderEditBegin") == 2 and lines_by_sku(stored)["SKU-1001"]["currentQuantity"] == 6


def test_a_variant_line_is_titled_by_its_product_a_custom_line_by_talk(client, order, shop):
    # The ERP's line text ("Hvit, 3 dl") is no title Shopify gives a line of a variant: no refusal.
    wanted = desired(order, SKU_1001=4)
    wanted[0]["title"] = "Hvit, 3 dl"
    stored = client.update("orders", order["id"], {"lineItems": wanted}, order)
    assert lines_by_sku(stored)["SKU-1001"]["title"] == "Kaffekopp"
    custom = client.update("orders", order["id"], {"lineItems": desired(stored) + [
        {"sku": "GAVE-1", "title": "Gavepapir", "currentQuantity": 1, "originalUnitPrice": "25.00"}]}, stored)
    renamed = [dict(line, title="Gaveinnpakning") if line["variant"] is None else line for line in desired(custom)]
    with pytest.raises(ApiError, match=r"title 'Gavepapir' -> 'Gaveinnpakning'"):
        client.update("orders", order["id"], {"lineItems": renamed}, custom)
