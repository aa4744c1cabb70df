"""SuperOffice <-> PowerOffice GO (job superoffice-poweroffice), end to end with real `meltano
run` against both demo sandboxes, which hold the same three companies (by organisation number)
with the same five persons (by e-mail) and the same eight products (ERPProductKey = the ERP's
product code). SuperOffice's four sales include one Sold (S-1002, Nordlys Interiør, accepted
alternative "Komplett"); PowerOffice holds six private customers and five sales orders of its own.

Records are compared in Talk form (as mapper-talk reads them)."""
from __future__ import annotations

from collections import Counter

import httpx
import pytest

from harness import Talk
from systems import client, edit, linked, talk_records
from test_superoffice_lines import superoffice_calls

SUPEROFFICE, POWEROFFICE, JOB = "superoffice", "poweroffice", "superoffice-poweroffice"
NORDLYS = "923456781"


@pytest.fixture
def both(talk: Talk) -> Talk:
    for system in (SUPEROFFICE, POWEROFFICE):
        httpx.post(f"{talk.urls[system]}/_sandbox/seed", timeout=60).raise_for_status()
    return talk


def count(records: list[dict], key: str) -> Counter:
    return Counter(r.get(key) for r in records if r.get(key))


# Where each side keeps companies and products.
STREAMS = {(SUPEROFFICE, "customer"): "contacts", (POWEROFFICE, "customer"): "customers",
           (SUPEROFFICE, "product"): "products", (POWEROFFICE, "product"): "products"}


def global_of(talk: Talk, system: str, talk_entity: str, key: str, value: str) -> str:
    """The global id of the company or product of `system` whose Talk `key` is `value`."""
    native_id = next(r["native_id"] for r in talk_records(talk, system, talk_entity) if r.get(key) == value)
    return talk.store.global_id(system, STREAMS[system, talk_entity], str(native_id))


def test_the_first_sync_links_companies_persons_and_products_instead_of_duplicating_them(both: Talk):
    po_before = {e: len(both.records(POWEROFFICE, e)) for e in ("customers", "contact_persons", "products")}
    both.run_job(JOB)
    calls = superoffice_calls(both)
    print(f"SuperOffice requests of the first sync: {sum(calls.values())} {dict(calls)}")

    po_customers = talk_records(both, POWEROFFICE, "customer")
    assert all(n == 1 for n in count(po_customers, "organisation_number").values())
    assert all(n == 1 for n in count(po_customers, "email").values())
    assert {e: len(both.records(POWEROFFICE, e)) for e in ("customers", "contact_persons", "products")} == po_before
    for org in ("912345670", NORDLYS, "934567892"):  # by organisation number
        assert global_of(both, SUPEROFFICE, "customer", "organisation_number", org) == \
            global_of(both, POWEROFFICE, "customer", "organisation_number", org)
    for sku in (f"SKU-100{n}" for n in range(1, 9)):  # by code / ERPProductKey
        assert both.store.global_id(SUPEROFFICE, "products", sku) == global_of(both, POWEROFFICE, "product", "sku", sku)
    erik = both.store.global_id(SUPEROFFICE, "persons", str(next(
        r["native_id"] for r in talk_records(both, SUPEROFFICE, "customer") if r.get("email") == "erik.dahl@nordlysinterior.example.no")))
    assert both.store.link_for(POWEROFFICE, "customer", erik).entity == "contact_persons"
    # The flow creates in the ERP: nothing new in SuperOffice. What it writes there is stock, which
    # the ERP owns (its available stock: on hand less what confirmed orders reserve, S-1002's
    # new order among them). SKU-1008 is a service PowerOffice keeps no stock of: SuperOffice's
    # InStock is left alone (it was a PATCH of InStock to null).
    assert [(e["method"], e["path"].rsplit("/api/v1", 1)[-1]) for e in both.writes(SUPEROFFICE)] == \
        [("PATCH", f"/Product/{n}") for n in (1, 2, 3, 5, 7)]
    stock = {p["sku"]: p.get("stock") for p in talk_records(both, POWEROFFICE, "product") if p.get("stock") is not None}
    assert {p["sku"]: p["stock"] for p in talk_records(both, SUPEROFFICE, "product") if p["sku"] in stock} == stock
    assert (stock["SKU-1003"], stock["SKU-1004"]) == (36, 500)  # 40 on hand, 4 reserved by S-1002's order
    # In PowerOffice, links are stamped (ExternalImportReference) and empty phones of contact
    # persons filled from SuperOffice; the one record created is the Sold sale's order.
    assert [e["path"] for e in both.writes(POWEROFFICE) if e["method"] == "POST"] == ["/v2/SalesOrders/Complete"]
    assert both.rejects() == []


def test_a_sold_sale_becomes_a_sales_order_with_its_lines(both: Talk):
    orders_before = len(both.records(POWEROFFICE, "sales_orders"))
    both.run_job(JOB)

    assert len(both.records(POWEROFFICE, "sales_orders")) == orders_before + 1  # only the Sold sale
    sale = next(s for s in talk_records(both, SUPEROFFICE, "order") if s["number"] == "S-1002")
    order = linked(both, POWEROFFICE, "order", both.store.global_id(SUPEROFFICE, "sales", sale["native_id"]))
    assert (order["status"], order["date"]) == ("confirmed", "2024-03-11")
    assert order["customer_id"] == global_of(both, POWEROFFICE, "customer", "organisation_number", NORDLYS)
    assert [(line["sku"], line["quantity"], line["unit_price"], line["discount_percent"]) for line in order["lines"]] == [
        ("SKU-1003", 4, "899.00", 10), ("SKU-1005", 2, "449.00", 0), ("SKU-1008", 3, "750.00", 0)]
    assert [line["product_id"] for line in order["lines"]] == \
        [both.store.global_id(SUPEROFFICE, "products", sku) for sku in ("SKU-1003", "SKU-1005", "SKU-1008")]


def test_running_the_job_again_writes_nothing(both: Talk):
    both.run_job(JOB)
    both.clear_logs()
    both.run_job(JOB)
    assert both.writes(SUPEROFFICE) == [] and both.writes(POWEROFFICE) == []
    calls = superoffice_calls(both)
    print(f"SuperOffice requests of a run with nothing changed: {sum(calls.values())} {dict(calls)}")


def test_an_edit_on_each_side_arrives_on_the_other(both: Talk):
    both.run_job(JOB)
    nordlys = global_of(both, SUPEROFFICE, "customer", "organisation_number", NORDLYS)
    fjordkaffe = global_of(both, SUPEROFFICE, "customer", "organisation_number", "912345670")
    edit(both, SUPEROFFICE, "customer", nordlys, phone="+4773999999")  # a CRM user
    edit(both, POWEROFFICE, "customer", fjordkaffe, email="regnskap@fjordkaffe.example.no")  # the accountant
    both.clear_logs()

    both.run_job(JOB)

    for system in (SUPEROFFICE, POWEROFFICE):
        assert linked(both, system, "customer", nordlys)["phone"] == "+4773999999", system
        assert linked(both, system, "customer", fjordkaffe)["email"] == "regnskap@fjordkaffe.example.no", system
    po_id = both.store.link_for(POWEROFFICE, "customer", nordlys).native_id
    so_id = both.store.link_for(SUPEROFFICE, "customer", fjordkaffe).native_id
    assert [(e["method"], e["path"]) for e in both.writes(POWEROFFICE)] == [("PATCH", f"/v2/Customers/{po_id}")]
    assert [(e["method"], e["path"].rsplit("/api/v1", 1)[-1]) for e in both.writes(SUPEROFFICE)] == \
        [("PATCH", f"/Contact/{so_id}")]
    both.clear_logs()
    both.run_job(JOB)
    assert both.writes(SUPEROFFICE) == [] and both.writes(POWEROFFICE) == []


def quote_line(talk: Talk, sku: str) -> tuple[dict, dict]:
    """(S-1002 as target-superoffice reads it, its accepted alternative's line of `sku`)."""
    api = client(talk, SUPEROFFICE)
    try:
        found = next(s for s in api.index("sales") if s["Number"] == "S-1002")
        sale = api.fetch("sales", str(found["SaleId"]))
    finally:
        api.close()
    return sale, next(q for q in sale["QuoteLines"] if q["ERPProductKey"] == sku)


def test_a_quote_line_edit_and_a_sales_order_line_edit_each_reach_the_same_line(both: Talk):
    both.run_job(JOB)
    sale, blanket = quote_line(both, "SKU-1003")
    global_id = both.store.global_id(SUPEROFFICE, "sales", str(sale["SaleId"]))
    po_id = both.store.link_for(POWEROFFICE, "order", global_id).native_id
    api = client(both, SUPEROFFICE)
    try:  # a CRM user: 4 -> 6 blankets, through the quote agent
        stored = api.api.agent("GetQuoteLine", {"QuoteLineId": blanket["QuoteLineId"]})
        api.api.agent("SaveQuoteLine", {"QuoteLine": {**stored, "Quantity": 6}}, idempotent=True)
    finally:
        api.close()
    po = client(both, POWEROFFICE)
    try:
        before = {line["Id"]: line for line in po.fetch("sales_orders", po_id)["SalesOrderLines"]}
    finally:
        po.close()
    po_blanket = next(i for i, line in before.items() if line["Quantity"] == 4)
    both.clear_logs()

    both.run_job(JOB)

    calls = superoffice_calls(both)
    print(f"SuperOffice requests of the run after a quote line edit: {sum(calls.values())} {dict(calls)}")
    order_writes = [(e["method"], e["path"]) for e in both.writes(POWEROFFICE) if "/SalesOrders" in e["path"]]
    assert order_writes == [("PATCH", f"/v2/SalesOrders/{po_id}/Lines/{po_blanket}")]
    # Besides the line: the ERP's available stock of the blanket moved (2 more reserved) and
    # reaches SuperOffice's product, the stock flow.
    assert [(e["method"], e["path"].rsplit("/api/v1", 1)[-1]) for e in both.writes(SUPEROFFICE)] == [("PATCH", "/Product/3")]
    assert next(p for p in talk_records(both, SUPEROFFICE, "product") if p["sku"] == "SKU-1003")["stock"] == 34

    # The accountant changes the assembly hours on the PowerOffice line (3 -> 5).
    po = client(both, POWEROFFICE)
    try:
        order = po.fetch("sales_orders", po_id)
        hours = next(line for line in order["SalesOrderLines"] if line["Quantity"] == 3)
        po.session.json("PATCH", f"/SalesOrders/{po_id}/Lines/{hours['Id']}", headers={"Content-Type": "application/json-patch+json"},
                        json=[{"op": "replace", "path": "/Quantity", "value": 5}])
    finally:
        po.close()
    both.clear_logs()

    both.run_job(JOB)

    calls = superoffice_calls(both)
    print(f"SuperOffice requests of the run after a PowerOffice line edit: {sum(calls.values())} {dict(calls)}")
    assert [(e["method"], e["path"].rsplit("/api/v1", 1)[-1]) for e in both.writes(SUPEROFFICE)] == \
        [("POST", "/Agents/Quote/SaveQuoteLine")]
    assert both.writes(POWEROFFICE) == []
    after, hours_line = quote_line(both, "SKU-1008")
    assert hours_line["Quantity"] == 5
    assert [q["QuoteLineId"] for q in after["QuoteLines"]] == [q["QuoteLineId"] for q in sale["QuoteLines"]]
    both.clear_logs()
    both.run_job(JOB)
    assert both.writes(SUPEROFFICE) == [] and both.writes(POWEROFFICE) == []
