"""Variations as Talk products, against the WooCommerce sandbox: the products index lists what the
shop sells (simple products and variations, never a variable product), a variation is read by
its id and written through its parent's variations endpoint with only what a variation has, so
the parent keeps its attributes and its other variations."""
from __future__ import annotations

import json

import pytest
from talk_sandbox.harness import SECRETS

from target_woocommerce.client import WooCommerceClient

ATTRIBUTES = [{"name": "Farge", "options": ["Blå", "Grønn"], "variation": True, "visible": True},
              {"name": "Størrelse", "options": ["M", "L"], "variation": True, "visible": True}]
SIZES = [("GENSER-BM", "Blå", "M"), ("GENSER-BL", "Blå", "L"), ("GENSER-GL", "Grønn", "L")]


@pytest.fixture
def sweater(client) -> tuple[dict, list[dict]]:
    """A variable product with two attributes and three variations (and a simple product)."""
    client.create("products", {"name": "Lue", "sku": "LUE", "regular_price": "99.00"})
    parent = client.session.json("POST", "/products", json={"name": "Genser", "type": "variable", "attributes": ATTRIBUTES})
    variations = [client.session.json("POST", f"/products/{parent['id']}/variations", json={
        "sku": sku, "regular_price": "499.00", "manage_stock": True, "stock_quantity": 4,
        "attributes": [{"name": "Farge", "option": colour}, {"name": "Størrelse", "option": size}]})
        for sku, colour, size in SIZES]
    return parent, variations


@pytest.fixture
def other_run(sandbox_url):
    """A client of another run: it has seen no variation yet."""
    woo = WooCommerceClient({"base_url": sandbox_url, "consumer_key": SECRETS["woocommerce"][0],
                             "consumer_secret": SECRETS["woocommerce"][1]})
    yield woo
    woo.close()


def test_the_index_lists_what_the_shop_sells(client, sweater):
    parent, variations = sweater
    listed = {p["sku"]: p for p in client.index("products")}
    assert sorted(listed) == ["GENSER-BL", "GENSER-BM", "GENSER-GL", "LUE"]
    medium = listed["GENSER-BM"]
    assert (medium["id"], medium["type"], medium["parent_id"], medium["name"]) == (
        variations[0]["id"], "variation", parent["id"], "Genser - Blå, M")


def test_a_variation_is_read_by_its_id_in_any_run(client, sweater, other_run):
    parent, variations = sweater
    found = other_run.fetch_many("products", [str(v["id"]) for v in variations] + ["999999"])
    assert sorted(found) == sorted(str(v["id"]) for v in variations)
    assert found[str(variations[1]["id"])]["name"] == "Genser - Blå, L"
    assert other_run.fetch("products", str(variations[2]["id"]))["sku"] == "GENSER-GL"


def test_a_variation_write_goes_to_that_variation_only(client, sweater):
    parent, variations = sweater
    sent: list[tuple[str, str, dict]] = []
    client.session.client.event_hooks["request"].append(
        lambda r: sent.append((r.method, r.url.path, json.loads(r.content or b"{}"))) if r.method != "GET" else None)
    current = {p["sku"]: p for p in client.index("products")}
    medium, large = current["GENSER-BM"], current["GENSER-BL"]

    changed = client.update("products", str(medium["id"]), {"regular_price": "459.00", "name": "Genser M"}, medium)
    assert sent == [("PUT", f"/wp-json/wc/v3/products/{parent['id']}/variations/{medium['id']}", {"regular_price": "459.00"})]
    assert (changed["regular_price"], changed["name"]) == ("459.00", "Genser - Blå, M")  # the name is WooCommerce's

    sent.clear()
    _, updated = client.write_batch("products", [], [(str(large["id"]), {"stock_quantity": 9}, large),
                                                      (str(current["LUE"]["id"]), {"regular_price": "89.00"}, current["LUE"]),
                                                      (str(medium["id"]), {"name": "Genser M"}, medium)])
    assert sent == [("POST", "/wp-json/wc/v3/products/batch", {"update": [{"regular_price": "89.00", "id": current["LUE"]["id"]}]}),
                    ("POST", f"/wp-json/wc/v3/products/{parent['id']}/variations/batch",
                     {"update": [{"stock_quantity": 9, "manage_stock": True, "id": large["id"]}]})]
    assert [u["sku"] for u in updated] == ["GENSER-BL", "LUE", "GENSER-BM"]  # a name-only change sends nothing

    after = client.session.json("GET", f"/products/{parent['id']}")
    assert after["attributes"] == parent["attributes"] and sorted(after["variations"]) == sorted(v["id"] for v in variations)
    skus = {v["sku"]: v for v in client.session.json("GET", f"/products/{parent['id']}/variations")}
    assert (skus["GENSER-BM"]["regular_price"], skus["GENSER-BL"]["stock_quantity"], skus["GENSER-GL"]["regular_price"]) == (
        "459.00", 9, "499.00")
    assert [a["option"] for a in skus["GENSER-GL"]["attributes"]] == ["Grønn", "L"]


def test_a_line_naming_a_variation_is_that_variations_line(client, sweater):
    parent, variations = sweater
    order = client.create("orders", {"line_items": [{"sold_id": variations[1]["id"], "quantity": 1, "price": 399.2}]})
    line, = order["line_items"]
    assert (line["product_id"], line["variation_id"], line["sold_id"], line["sku"]) == (
        parent["id"], variations[1]["id"], variations[1]["id"], "GENSER-BL")
