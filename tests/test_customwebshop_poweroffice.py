"""Flow 001, Custom Webshop -> PowerOffice GO: what the first sync leaves in PowerOffice, as an
accountant opening it would see it. The scenarios both webshop pairs share (no-op rerun, edits
on both sides, creation direction, killed run, rejects, secrets) are in test_customwebshop_flows.py."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from collections import Counter

from harness import ROOT, Talk
from systems import client, talk_records
from test_customwebshop_flows import POWEROFFICE, load_first_contact


def test_first_sync_creates_every_webshop_record_once_and_links_the_existing_ones(talk: Talk):
    load_first_contact(talk, POWEROFFICE)
    talk.run(*POWEROFFICE.forward)
    po = client(talk, "poweroffice")
    customers = [po.fetch("customers", str(c["Id"])) for c in po.index("customers")]
    products = {p["Code"]: po.fetch("products", str(p["Id"])) for p in po.index("products")}
    orders = [po.fetch("sales_orders", o["Id"]) for o in po.index("sales_orders")]
    po.close()

    assert len(customers) == 4  # Ola and Fjordkaffe linked, Mari created, Per untouched
    ola = next(c for c in customers if c["Id"] == 101)
    assert (ola["FirstName"], ola["LastName"], ola["PhoneNumber"].replace(" ", "")) == ("Ola", "Nordmann", "+4791234567")
    fjordkaffe = next(c for c in customers if c.get("OrganizationNumber") == "912345670")
    assert fjordkaffe["Id"] == 103 and fjordkaffe["IsPerson"] is False and fjordkaffe["Name"] == "Fjordkaffe AS"
    mari = next(c for c in customers if c.get("EmailAddress") == "mari.nettbutikk@example.com")
    assert mari["IsPerson"] is True and (mari["FirstName"], mari["LastName"]) == ("Mari", "Nettbutikk")
    assert (mari["MailAddress"]["AddressLine2"], mari["MailAddress"]["City"]) == ("2. etasje", "Bergen")
    assert mari["ExternalImportReference"] == talk.store.global_id("customwebshop", "customers", "cus_mari")

    assert set(products) == {"SKU-1001", "CWS-2002"}
    assert (products["SKU-1001"]["Id"], products["SKU-1001"]["Name"], products["SKU-1001"]["UnitPrice"]) == (201, "Kaffekopp keramikk", 159.2)
    # The ERP owns stock: a webshop's figure never becomes stock on hand (it used to).
    assert (products["SKU-1001"]["Gtin"], products["SKU-1001"]["StockOnHand"]) == ("7070000000011", 120)
    assert (products["CWS-2002"]["UnitPrice"], products["CWS-2002"]["StockOnHand"]) == (39.2, None)

    by_customer = {o["CustomerId"]: o for o in orders}
    assert set(by_customer) == {101, 103}
    ola_order, fjord_order = by_customer[101], by_customer[103]
    assert (ola_order["SalesOrderStatus"], ola_order["SalesOrderDate"][:10], ola_order["CurrencyCode"]) == ("Confirmed", "2024-06-03", "NOK")
    assert Counter((l["ProductId"], l["Quantity"]) for l in ola_order["SalesOrderLines"]) == Counter(
        {(201, 2): 1, (products["CWS-2002"]["Id"], 1): 1})
    assert fjord_order["SalesOrderStatus"] == "Draft"
    (line,) = fjord_order["SalesOrderLines"]
    assert (line["ProductId"], line["Quantity"], line["ProductUnitPrice"], line["Allowance"]) == (201, 4, 159.2, 10)

    store = talk.store
    assert store.global_id("customwebshop", "customers", "cus_ola") == store.global_id("poweroffice", "customers", "101")
    assert store.global_id("customwebshop", "products", "prd_cup") == store.global_id("poweroffice", "products", "201")


def test_an_order_a_killed_run_created_but_never_linked_is_not_created_back_by_the_other_direction(talk: Talk):
    """The next run after a crash may start with the other direction, which may create orders
    too: the order the killed run created in PowerOffice (its answer never came back, so it was
    never linked) carries its global id as external reference, so it is the webshop's order, not
    a new one to create in the webshop."""
    load_first_contact(talk, POWEROFFICE)
    # PowerOffice applies the first order create and holds its answer; the run dies meanwhile.
    talk.fault("poweroffice", method="POST", path_prefix="/v2/SalesOrders", after=True, status=0, delay_ms=20000, times=1)
    run = subprocess.Popen(["meltano", "run", *POWEROFFICE.forward], cwd=ROOT, env=talk.env, start_new_session=True,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(600):
            if talk.records("poweroffice", "sales_orders") or run.poll() is not None:
                break
            time.sleep(0.1)
    finally:
        os.killpg(run.pid, signal.SIGKILL)
        run.wait()
    talk.clear_faults()
    (created,) = talk.records("poweroffice", "sales_orders")
    assert talk.store.global_id("poweroffice", "sales_orders", created["Id"]) is None

    creates_orders_in_the_webshop = {"TARGET_CUSTOMWEBSHOP_CREATE_FROM": json.dumps(["poweroffice"])}
    talk.run("--force", *POWEROFFICE.reverse, env=creates_orders_in_the_webshop)
    talk.run("--force", *POWEROFFICE.forward)
    talk.run(*POWEROFFICE.reverse, env=creates_orders_in_the_webshop)

    assert len(talk_records(talk, "customwebshop", "order")) == 2
    assert len(talk_records(talk, "poweroffice", "order")) == 2
    assert talk.store.global_id("poweroffice", "sales_orders", created["Id"]) == created["ExternalImportReference"]
