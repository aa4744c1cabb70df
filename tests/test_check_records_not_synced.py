"""`talk check-webshop` writes test records into the webshop it checks. The webshop's mapping
ignores them (`ignore` in customwebshop.yml), so running the check against a live shop never
puts a "Talk check" customer, product or order into PowerOffice GO. One real check run and one
real `talk run` of the webshop's pipeline into PowerOffice, over loopback HTTP."""
from __future__ import annotations

import httpx

from harness import SECRETS, Talk
from systems import client
from test_customwebshop_flows import POWEROFFICE, load_first_contact

KEY = SECRETS["customwebshop"][0]


def test_the_checks_test_records_never_reach_poweroffice_while_the_shops_own_do(talk: Talk):
    load_first_contact(talk, POWEROFFICE)
    checked = talk.cli("check-webshop", talk.api_url("customwebshop"), "--api-key", KEY)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    test_orders = [o for o in talk.records("customwebshop", "orders") if (o["external_reference"] or "").startswith("talk-check-")]
    assert test_orders and all(o["status"] == "cancelled" for o in test_orders)
    # A check that died before its clean-up leaves a live order behind: PowerOffice would take it.
    with httpx.Client(base_url=talk.api_url("customwebshop"), headers={"X-API-Key": KEY}, timeout=30) as shop:
        shop.patch(f"orders/{test_orders[0]['id']}", json={"status": "processing"}).raise_for_status()

    ran = talk.cli("run", *POWEROFFICE.forward, timeout=600)
    assert ran.returncode == 0, ran.stdout + ran.stderr[-4000:]

    po = client(talk, "poweroffice")
    customers = [po.fetch("customers", str(c["Id"])) for c in po.index("customers")]
    products = [po.fetch("products", str(p["Id"])) for p in po.index("products")]
    orders = [po.fetch("sales_orders", o["Id"]) for o in po.index("sales_orders")]
    po.close()
    # The shop's own records arrived: Mari and the bag created, both orders (Ola's, Fjordkaffe's).
    assert "mari.nettbutikk@example.com" in {c.get("EmailAddress") for c in customers}
    assert {p["Code"] for p in products} == {"SKU-1001", "CWS-2002"}
    assert sorted(o["CustomerId"] for o in orders) == [101, 103]
    # None of the check's.
    assert not [c for c in customers if "talk-check" in (c.get("EmailAddress") or "") or "Talk check" in (c.get("FirstName") or "")]
    assert not [p for p in products if p["Code"].startswith("TALK-CHECK-")]
    assert not [line for o in orders for line in o["SalesOrderLines"] if "Talk check" in (line.get("Description") or "")]
    store = talk.store
    assert all(store.global_id("customwebshop", "orders", o["id"]) is None for o in test_orders)
    # The run's summary counts them as left alone (unchanged): three of each the check made.
    counts = summary(ran.stdout, "customwebshop -> poweroffice")
    assert counts["customer"] == {"created": 1, "updated": 0, "unchanged": 3, "linked": 2, "skipped": 0, "rejected": 0}
    assert (counts["product"]["created"], counts["product"]["unchanged"]) == (1, 3)
    assert (counts["order"]["created"], counts["order"]["unchanged"]) == (2, 3)


def summary(output: str, pipeline: str) -> dict[str, dict[str, int]]:
    """`talk run`'s table: entity -> count name -> number, for one pipeline."""
    lines = output.splitlines()
    names = lines[next(i for i, line in enumerate(lines) if line.startswith("pipeline"))].split()[2:]
    rows = [line.removeprefix(pipeline).split() for line in lines if line.startswith(pipeline)]
    return {row[0]: dict(zip(names, map(int, row[1:]))) for row in rows}
