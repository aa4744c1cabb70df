"""Flow 001, Custom Webshop -> PowerOffice GO: what the first sync leaves in PowerOffice, as an
accountant opening it would see it. The scenarios both webshop pairs share (no-op rerun, edits
on both sides, creation direction, killed run, rejects, secrets) are in test_customwebshop_flows.py."""
from __future__ import annotations

from collections import Counter

from harness import Talk
from systems import client
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
