"""Each property has an owner policy, and a conflict is decided per property and never silent:
real `meltano run` jobs against the sandboxes."""
from __future__ import annotations

import json
import time

from harness import Talk
from systems import edit, edit_native, linked, native

JOB = "poweroffice-shopify"
FORWARD = ("tap-poweroffice", "mapper-talk", "target-shopify")


def test_stock_flows_from_the_erp_and_a_shop_figure_never_becomes_stock_on_hand(talk: Talk):
    talk.load_fixture("poweroffice-shopify/first-contact.json")
    talk.run_job(JOB)
    beans = talk.store.global_id("poweroffice", "products", "202")
    available = native(talk, "poweroffice", "products", 202)["StockAvailable"]
    assert linked(talk, "shopify", "product", beans)["stock"] == available

    edit(talk, "shopify", "product", beans, stock=250, name="Kaffebønner 500 g lysbrent")
    talk.clear_logs()
    talk.run_job(JOB)
    product = native(talk, "poweroffice", "products", 202)
    assert (product["StockOnHand"], product["StockAvailable"]) == (300, available), "a shop's figure is not the ERP's stock"
    assert product["Name"] == "Kaffebønner 500 g lysbrent", "the rest of the edit arrived"
    patches = [e for e in talk.writes("poweroffice") if e["path"].startswith("/v2/Products")]
    assert len(patches) == 1
    talk.run_job(JOB)
    assert linked(talk, "shopify", "product", beans)["stock"] == available, "the owner's figure is put back in the shop"

    # A goods receipt in the ERP: its available stock reaches the shop.
    edit_native(talk, "poweroffice", "products", 202, StockOnHand=350)
    talk.run_job(JOB)
    assert linked(talk, "shopify", "product", beans)["stock"] == native(talk, "poweroffice", "products", 202)["StockAvailable"]


def test_a_target_setting_overrides_a_flow_policy(talk: Talk):
    talk.load_fixture("poweroffice-shopify/first-contact.json")
    talk.run(*FORWARD)
    cup = talk.store.global_id("poweroffice", "products", "201")
    edit(talk, "poweroffice", "product", cup, name="Kaffekopp hvit", price="155.00")
    talk.run(*FORWARD, env={"TARGET_SHOPIFY_POLICIES": json.dumps({"product": {"name": "not synced"}})})
    in_shopify = linked(talk, "shopify", "product", cup)
    assert in_shopify["name"] == "Kaffekopp keramikk" and in_shopify["price"] == "155.00"


def test_the_newer_edit_of_a_property_wins_a_conflict_and_the_conflict_is_listed(talk: Talk):
    talk.load_fixture("poweroffice-shopify/first-contact.json")
    talk.run_job(JOB)
    ola = talk.store.global_id("poweroffice", "customers", "101")
    edit(talk, "poweroffice", "customer", ola, email="ola@erp.example.no")
    time.sleep(1.1)  # the shop's edit is the newer one
    edit(talk, "shopify", "customer", ola, email="ola@shop.example.no", phone="+4799990000")
    talk.run_job(JOB)

    assert linked(talk, "poweroffice", "customer", ola)["email"] == "ola@shop.example.no"
    assert linked(talk, "shopify", "customer", ola)["email"] == "ola@shop.example.no"
    assert linked(talk, "poweroffice", "customer", ola)["phone"].replace(" ", "") == "+4799990000"
    (conflict,) = talk.store.conflicts()
    assert (conflict["property"], conflict["source_value"], conflict["destination_value"], conflict["winner"]) == (
        "email", "ola@erp.example.no", "ola@shop.example.no", "shopify")
    assert conflict["why"] == "the newer change of email"
    listing = talk.cli("conflicts").stdout
    assert "email poweroffice='ola@erp.example.no' vs shopify='ola@shop.example.no' -> shopify" in listing


def test_a_value_the_destination_would_refuse_is_rejected_before_any_request(talk: Talk):
    talk.load("poweroffice", "products", [
        {"Id": 601, "Code": "LONG-1", "Name": "Kaffe " + "x" * 300, "UnitPrice": 10.0},
        {"Id": 602, "Code": "NEG-1", "Name": "Negativ", "UnitPrice": -5.0},
        {"Id": 603, "Code": "OK-1", "Name": "Helt fin", "UnitPrice": 5.0}])
    talk.run(*FORWARD)
    reasons = {r["source_id"]: r["reason"] for r in talk.store.queue.entries(destination="shopify")}
    assert reasons["601"] == "name (shopify fullTitle): 306 characters; shopify takes at most 255"
    assert reasons["602"] == "price (shopify price): -5.00; shopify takes at least 0"
    assert "603" not in reasons
    product_writes = [e for e in talk.writes("shopify") if "productSet" in json.dumps(e)]
    assert len(product_writes) == 1, "only the good product was sent"
