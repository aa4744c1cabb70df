"""Order lines keep their identity between the Custom Webshop and PowerOffice GO, end to end with
`talk.run_job("customwebshop-poweroffice")`: a quantity edited on one side reaches the linked
line on the other in place (the same line id, one request for that line, nothing re-created)."""
from __future__ import annotations

import httpx

from harness import SECRETS, Talk
from systems import edit_native
from test_customwebshop_flows import POWEROFFICE, load_first_contact

JOB = POWEROFFICE.job
ORDER = "ord_ola"  # two lines: SKU-1001 x 2, CWS-2002 x 1


def webshop_lines(talk: Talk) -> list[dict]:
    return next(o for o in talk.records("customwebshop", "orders") if o["id"] == ORDER)["lines"]


def poweroffice_order(talk: Talk) -> dict:
    po_id = talk.store.link_for("poweroffice", "order", talk.store.global_id("customwebshop", "orders", ORDER)).native_id
    return next(o for o in talk.records("poweroffice", "sales_orders") if str(o["Id"]) == str(po_id))


def order_writes(talk: Talk, system: str) -> list[tuple[str, str]]:
    """Writes to orders and their lines. A line edit also moves the ERP's available stock of its
    product, which the shop then shows (a product PATCH): that is the stock flow, not the line."""
    return [(entry["method"], entry["path"]) for entry in talk.writes(system)
            if "/orders" in entry["path"] or "/SalesOrders" in entry["path"]]


def synced(talk: Talk) -> Talk:
    load_first_contact(talk, POWEROFFICE)
    talk.run_job(JOB)
    talk.clear_logs()
    return talk


def test_a_quantity_edited_in_the_webshop_reaches_the_same_poweroffice_line(talk: Talk):
    synced(talk)
    before = webshop_lines(talk)
    cup = next(line for line in before if line["sku"] == "SKU-1001")
    po = poweroffice_order(talk)
    po_lines = {line["Id"]: line["Quantity"] for line in po["SalesOrderLines"]}
    po_cup = next(line["Id"] for line in po["SalesOrderLines"] if line["Quantity"] == 2)

    # The shop keeper changes the cup's quantity in the webshop.
    httpx.patch(f"{talk.api_url('customwebshop')}/orders/{ORDER}/lines/{cup['id']}", json={"quantity": 5},
                headers={"X-API-Key": SECRETS["customwebshop"][0]}).raise_for_status()
    talk.clear_logs()
    talk.run_job(JOB)

    assert order_writes(talk, "poweroffice") == [("PATCH", f"/v2/SalesOrders/{po['Id']}/Lines/{po_cup}")]
    assert {line["Id"]: line["Quantity"] for line in poweroffice_order(talk)["SalesOrderLines"]} == {**po_lines, po_cup: 5}
    assert order_writes(talk, "customwebshop") == []  # nothing to carry back to the order
    assert [line["id"] for line in webshop_lines(talk)] == [line["id"] for line in before]


def test_a_quantity_edited_in_poweroffice_reaches_the_same_webshop_line(talk: Talk):
    synced(talk)
    before = webshop_lines(talk)
    cup = next(line for line in before if line["sku"] == "SKU-1001")
    po = poweroffice_order(talk)
    # The accountant changes the cup's quantity in PowerOffice GO (one PATCH of that line).
    lines = [{**line, "Quantity": 7} if line["Quantity"] == 2 else line for line in po["SalesOrderLines"]]
    edit_native(talk, "poweroffice", "sales_orders", po["Id"], SalesOrderLines=lines)
    talk.clear_logs()
    talk.run_job(JOB)

    assert order_writes(talk, "customwebshop") == [("PATCH", f"/api/v1/orders/{ORDER}/lines/{cup['id']}")]
    after = webshop_lines(talk)
    assert after == [{**cup, "quantity": 7} if line["id"] == cup["id"] else line for line in before]
    assert order_writes(talk, "poweroffice") == []


def test_an_edited_line_settles_and_the_next_run_writes_nothing(talk: Talk):
    synced(talk)
    cup = next(line for line in webshop_lines(talk) if line["sku"] == "SKU-1001")
    httpx.patch(f"{talk.api_url('customwebshop')}/orders/{ORDER}/lines/{cup['id']}", json={"discount_percent": "15"},
                headers={"X-API-Key": SECRETS["customwebshop"][0]}).raise_for_status()
    talk.run_job(JOB)
    talk.clear_logs()
    talk.run_job(JOB)
    assert order_writes(talk, "poweroffice") == [] and order_writes(talk, "customwebshop") == []
