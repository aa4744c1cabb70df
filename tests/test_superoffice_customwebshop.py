"""Flow 004, SuperOffice -> Custom Webshop, end to end with real `meltano run` against the
sandboxes: SuperOffice's demo tenant (three companies, five persons, eight products, four sales
of which one is Sold with two alternatives) and a webshop that already holds one of those
companies, one of its persons and one of its products, plus a customer and a product of its own.

Records are compared in Talk form (as mapper-talk reads them)."""
from __future__ import annotations

import json
from collections import Counter

import httpx
import pytest

from harness import Talk
from systems import client, edit, linked, talk_records

SUPEROFFICE, WEBSHOP, JOB = "superoffice", "customwebshop", "superoffice-customwebshop"
FORWARD = ("tap-superoffice", "mapper-talk", "target-customwebshop")
REVERSE = ("tap-customwebshop", "mapper-talk", "target-superoffice")


@pytest.fixture
def both(talk: Talk) -> Talk:
    httpx.post(f"{talk.urls[SUPEROFFICE]}/_sandbox/seed", timeout=60).raise_for_status()
    talk.load_fixture("superoffice-customwebshop/webshop.json")
    return talk


def customer_keys(records: list[dict]) -> Counter:
    """How often each customer is there: organisations by number, persons by e-mail."""
    return Counter(r.get("organisation_number") or r.get("email") for r in records)


def order_of_sale(talk: Talk, number: str) -> dict:
    """The webshop order linked to the SuperOffice sale with that number."""
    sale = next(s for s in talk_records(talk, SUPEROFFICE, "order") if s["number"] == number)
    global_id = talk.store.global_id(SUPEROFFICE, "sales", sale["native_id"])
    return linked(talk, WEBSHOP, "order", global_id)


def test_the_first_sync_links_what_both_hold_instead_of_duplicating_it(both: Talk):
    both.run_job(JOB)

    customers = customer_keys(talk_records(both, WEBSHOP, "customer"))
    assert all(n == 1 for n in customers.values()), customers
    assert {"912345670", "nils.berg@fjordkaffe.example.no", "923456781", "erik.dahl@nordlysinterior.example.no"} <= set(customers)
    assert both.store.global_id(WEBSHOP, "customers", "cus_fjordkaffe") == \
        both.store.global_id(SUPEROFFICE, "contacts", str(next(
            c["native_id"] for c in talk_records(both, SUPEROFFICE, "customer") if c.get("organisation_number") == "912345670")))
    skus = Counter(p["sku"] for p in talk_records(both, WEBSHOP, "product"))
    assert skus["SKU-1001"] == 1 and len(skus) == 9
    assert both.store.global_id(WEBSHOP, "products", "prd_cup") == both.store.global_id(SUPEROFFICE, "products", "SKU-1001")
    # The flow creates in the webshop: nothing new in SuperOffice, and nothing it holds rewritten.
    assert both.writes(SUPEROFFICE) == []
    assert len(talk_records(both, SUPEROFFICE, "customer")) == 8
    assert both.rejects() == []


def test_running_the_job_again_writes_nothing(both: Talk):
    both.run_job(JOB)
    both.clear_logs()
    both.run_job(JOB)
    assert both.writes(SUPEROFFICE) == []
    assert both.writes(WEBSHOP) == []


def test_a_sale_with_two_alternatives_is_one_order_built_from_the_accepted_alternative(both: Talk):
    both.run_job(JOB)

    orders = talk_records(both, WEBSHOP, "order")
    assert len(orders) == 1  # only Sold sales are orders (tap-superoffice's sale_statuses)
    order = order_of_sale(both, "S-1002")
    assert order["status"] == "confirmed" and order["date"] == "2024-03-11"
    # "Komplett" (accepted, likely), not "Basis" (SKU-1003 x 4 and SKU-1004 x 10, no discount).
    assert [(line["sku"], line["quantity"], line["unit_price"], line["discount_percent"]) for line in order["lines"]] == [
        ("SKU-1003", 4, "899.00", 10), ("SKU-1005", 2, "449.00", 0), ("SKU-1008", 3, "750.00", 0)]
    nordlys = next(c for c in talk_records(both, WEBSHOP, "customer") if c.get("organisation_number") == "923456781")
    assert order["customer_id"] == both.store.global_id(WEBSHOP, "customers", nordlys["native_id"])


def test_a_sale_marked_sold_in_superoffice_appears_as_an_order(both: Talk):
    both.run_job(JOB)
    api = client(both, SUPEROFFICE)
    try:
        sale = next(s for s in api.index("sales") if s["Number"] == "S-1001")
        current = api.fetch("sales", str(sale["SaleId"]))
        api.api.agent("PlaceOrder", {"QuoteAlternativeId": current["QuoteAlternative"]["QuoteAlternativeId"],
                                     "MarkSaleAsSold": True, "PoNumber": "PO-77"}, idempotent=False)
    finally:
        api.close()

    both.run_job(JOB)

    order = order_of_sale(both, "S-1001")
    assert order["status"] == "confirmed" and order["date"] == "2024-03-04"
    assert [(line["sku"], line["quantity"], line["discount_percent"]) for line in order["lines"]] == [
        ("SKU-1002", 12, 5), ("SKU-1001", 6, 0)]
    fjordkaffe = both.store.global_id(WEBSHOP, "customers", "cus_fjordkaffe")
    assert order["customer_id"] == fjordkaffe  # the company the webshop already had, linked on first contact


def test_creation_follows_the_flow_unless_told_otherwise(both: Talk):
    both.run_job(JOB)
    assert "mari.nettbutikk@example.com" not in customer_keys(talk_records(both, SUPEROFFICE, "customer"))
    assert "CWS-2002" not in {p["sku"] for p in talk_records(both, SUPEROFFICE, "product")}

    # Told to, the reverse pipeline creates the webshop's own records in SuperOffice: a person
    # without a company, and a product keyed by its SKU.
    both.run("--full-refresh", *REVERSE, env={"TARGET_SUPEROFFICE_CREATE_FROM": json.dumps([WEBSHOP])})

    mari = [c for c in talk_records(both, SUPEROFFICE, "customer") if c.get("email") == "mari.nettbutikk@example.com"]
    assert [(c["kind"], c["first_name"], c.get("organisation_id")) for c in mari] == [("person", "Mari", None)]
    board = [p for p in talk_records(both, SUPEROFFICE, "product") if p["sku"] == "CWS-2002"]
    assert [(p["native_id"], p["price"], p["vat_rate"]) for p in board] == [("CWS-2002", "279.20", "0.25")]
    assert customer_keys(talk_records(both, SUPEROFFICE, "customer"))["912345670"] == 1


def test_edits_on_both_sides_of_linked_records_both_arrive(both: Talk):
    both.run_job(JOB)
    fjordkaffe = both.store.global_id(WEBSHOP, "customers", "cus_fjordkaffe")
    cup = both.store.global_id(WEBSHOP, "products", "prd_cup")
    edit(both, WEBSHOP, "customer", fjordkaffe, phone="+4799887766")
    edit(both, SUPEROFFICE, "customer", fjordkaffe, name="Fjordkaffe Norge AS")
    edit(both, WEBSHOP, "product", cup, price="155.00")
    edit(both, SUPEROFFICE, "product", cup, description="Håndlaget kopp i steingods, 3 dl")

    both.run_job(JOB)

    for system in (SUPEROFFICE, WEBSHOP):
        customer = linked(both, system, "customer", fjordkaffe)
        assert (customer["name"], customer["phone"]) == ("Fjordkaffe Norge AS", "+4799887766"), system
        product = linked(both, system, "product", cup)
        assert (product["price"], product["description"]) == ("155.00", "Håndlaget kopp i steingods, 3 dl"), system
    both.clear_logs()
    both.run_job(JOB)
    assert both.writes(SUPEROFFICE) == [] and both.writes(WEBSHOP) == []
