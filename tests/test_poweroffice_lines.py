"""A line edited in PowerOffice GO (quantity 2 -> 5) moves no timestamp of its order, yet the next
run of `customwebshop-poweroffice` carries it to the linked Custom Webshop line, in place: the
tap re-reads the lines of open orders and emits an order whose lines changed (docs/systems/
poweroffice.md, "Order lines"). What that costs in PowerOffice reads is counted per run."""
from __future__ import annotations

from collections import Counter

from harness import Talk
from systems import client
from test_customwebshop_flows import POWEROFFICE, load_first_contact

JOB = POWEROFFICE.job
ORDER = "ord_ola"  # the webshop order of two lines that reaches PowerOffice as a confirmed order


def reads(talk: Talk) -> Counter:
    """PowerOffice GET requests per path kind ({id} for ids); a read the rate limit turned away
    (429, sent again after Retry-After) is not a read of the design."""
    kinds: Counter = Counter()
    for entry in talk.log("poweroffice"):
        if entry["method"] == "GET" and entry["path"].startswith("/v2/") and entry["status"] != 429:
            parts = entry["path"].split("/")[2:]
            kinds["/".join("{id}" if n % 2 else part for n, part in enumerate(parts))] += 1
    return kinds


def webshop_lines(talk: Talk) -> list[dict]:
    return next(o for o in talk.records("customwebshop", "orders") if o["id"] == ORDER)["lines"]


def test_a_line_quantity_edited_in_poweroffice_reaches_the_webshop_line_in_place(talk: Talk):
    load_first_contact(talk, POWEROFFICE)
    talk.run_job(JOB)
    store = talk.store
    po_id = store.link_for("poweroffice", "order", store.global_id("customwebshop", "orders", ORDER)).native_id
    open_orders = len(talk.records("poweroffice", "sales_orders"))
    before = webshop_lines(talk)
    cup = next(line for line in before if line["quantity"] == 2)

    # The accountant changes the quantity on the order line in PowerOffice GO: one line PATCH.
    po = client(talk, "poweroffice")
    try:
        order = po.fetch("sales_orders", po_id)
        po_line = next(line for line in order["SalesOrderLines"] if line["Quantity"] == 2)
        po.session.json("PATCH", f"/SalesOrders/{po_id}/Lines/{po_line['Id']}", headers={"Content-Type": "application/json-patch+json"},
                        json=[{"op": "replace", "path": "/Quantity", "value": 5}])
        assert po.fetch("sales_orders", po_id)["LastChangedDateTimeOffset"] == order["LastChangedDateTimeOffset"]
    finally:
        po.close()

    talk.clear_logs()
    talk.run_job(JOB)
    # The line, in place; and the cup's stock: the confirmed order now reserves 5, not 2.
    assert sorted((e["method"], e["path"]) for e in talk.writes("customwebshop")) == \
        [("PATCH", f"/api/v1/orders/{ORDER}/lines/{cup['id']}"), ("PATCH", f"/api/v1/products/{cup['product_id']}")]
    assert webshop_lines(talk) == [{**line, "quantity": 5} if line["id"] == cup["id"] else line for line in before]
    assert talk.writes("poweroffice") == []
    edit_run = reads(talk)
    # Lines once per open order (the edited order's too: read once, for stock and for the
    # order), the edited order's header once.
    assert (edit_run["SalesOrders/{id}/Lines"], edit_run["SalesOrders/{id}"]) == (open_orders, 1), edit_run

    talk.clear_logs()
    talk.run_job(JOB)
    assert talk.writes("customwebshop") == [] and talk.writes("poweroffice") == []
    quiet_run = reads(talk)
    assert (quiet_run["SalesOrders/{id}/Lines"], quiet_run["SalesOrders/{id}"]) == (open_orders, 0), quiet_run
    print(f"PowerOffice reads, {open_orders} open orders: after the line edit {sum(edit_run.values())} {dict(edit_run)}; "
          f"next run {sum(quiet_run.values())} {dict(quiet_run)}")
