"""One product in PowerOffice GO, Shopify and the Custom Webshop (same SKU): after the flows ran it
is one linked product, and an edit in any of the three reaches the other two when the jobs run."""
from __future__ import annotations

import time
from collections import Counter

import pytest

from harness import Talk
from systems import edit, edit_native, linked, talk_records

SYSTEMS = ("poweroffice", "shopify", "customwebshop")
# The order a deployment's schedule runs them in; each job runs its flow's direction, then the reverse.
JOBS = ("poweroffice-shopify", "customwebshop-poweroffice", "customwebshop-shopify")


@pytest.fixture
def cup(talk: Talk) -> tuple[Talk, str]:
    talk.load_fixture("customwebshop-flows/webshop.json")              # SKU-1001 "Kaffekopp keramikk"
    talk.load_fixture("customwebshop-poweroffice/poweroffice.json")    # SKU-1001 "Kaffekopp"
    talk.load_fixture("customwebshop-shopify/shopify.json")            # SKU-1001 "Kaffekopp"
    for job in ("customwebshop-poweroffice", "customwebshop-shopify"):
        talk.run_job(job)
    return talk, talk.store.global_id("customwebshop", "products", "prd_cup")


def test_a_product_in_all_three_systems_stays_one_linked_product(cup):
    talk, g = cup
    assert g
    for system in SYSTEMS:
        skus = Counter(p["sku"] for p in talk_records(talk, system, "product"))
        assert skus["SKU-1001"] == 1, f"{system} holds SKU-1001 {skus['SKU-1001']} times"
        assert talk.store.link_for(system, "product", g) is not None, f"no {system} link for the product"
        # the webshop created the link, so its values won on first contact
        assert linked(talk, system, "product", g)["name"] == "Kaffekopp keramikk", system


def test_an_edit_in_any_one_system_reaches_the_other_two_when_the_jobs_run(cup):
    talk, g = cup
    edit(talk, "poweroffice", "product", g, price=219.0)
    edit(talk, "shopify", "product", g, name="Kaffekopp XL")
    edit(talk, "customwebshop", "product", g, gtin="7070000000999")

    for job in JOBS:
        talk.run_job(job)

    for system in SYSTEMS:
        product = linked(talk, system, "product", g)
        assert (product["price"], product["name"], product["gtin"]) == ("219.00", "Kaffekopp XL", "7070000000999"), system

    talk.clear_logs()
    for job in JOBS:
        talk.run_job(job)
    for system in SYSTEMS:
        assert talk.writes(system) == [], f"a settled product was written again in {system}"


def test_an_older_edit_carried_from_elsewhere_does_not_beat_a_newer_one_whatever_else_changed(cup):
    """The ERP's name edit reaches the webshop first; the shop then renames the product; an
    unrelated later edit in the ERP (its unit of measure, which Talk does not sync) makes the
    ERP record the newer one, but the shop's name edit is the newer edit of the name."""
    talk, g = cup
    edit(talk, "poweroffice", "product", g, name="Kaffekopp ERP")
    talk.run_job("customwebshop-poweroffice")  # the ERP's name reaches the webshop; Shopify still owes it
    time.sleep(1.1)
    edit(talk, "shopify", "product", g, name="Kaffekopp Shop")
    time.sleep(1.1)
    edit_native(talk, "poweroffice", "products", talk.store.link_for("poweroffice", "product", g).native_id,
                UnitOfMeasureCode="STK")

    for job in JOBS:
        talk.run_job(job)
    for system in SYSTEMS:
        assert linked(talk, system, "product", g)["name"] == "Kaffekopp Shop", system
    (conflict,) = [c for c in talk.store.conflicts() if c["property"] == "name"]
    assert (conflict["source_system"], conflict["destination_system"], conflict["winner"]) == (
        "poweroffice", "shopify", "shopify")
    assert conflict["why"] == "the newer change of name"
