"""Flow 002, WooCommerce <-> PowerOffice GO, end to end: real `meltano run` against the sandboxes."""
from __future__ import annotations

import json
import time
from collections import Counter

import pytest

from harness import SECRETS, Talk

FORWARD = ("tap-woocommerce", "mapper-talk", "target-poweroffice")
REVERSE = ("tap-poweroffice", "mapper-talk", "target-woocommerce")
JOB = "woocommerce-poweroffice"
FIRST_CONTACT_EMAILS = ("ola.nordmann@example.no", "kari.hansen@example.no", "lise.lund@example.no",
                        "per.woo@example.no", "gina.gjest@example.no")


def po_client(talk: Talk):
    from target_poweroffice.client import PowerOfficeClient
    return PowerOfficeClient({"base_url": talk.api_url("poweroffice"), "application_key": SECRETS["poweroffice"][0],
                              "client_key": SECRETS["poweroffice"][1], "subscription_key": SECRETS["poweroffice"][2]})


def woo_client(talk: Talk):
    from target_woocommerce.client import WooCommerceClient
    return WooCommerceClient({"base_url": talk.api_url("woocommerce"), "consumer_key": SECRETS["woocommerce"][0],
                              "consumer_secret": SECRETS["woocommerce"][1]})


def po_customers(talk: Talk) -> dict[str, list[dict]]:
    by_email: dict[str, list[dict]] = {}
    for customer in talk.records("poweroffice", "customers"):
        by_email.setdefault(customer.get("EmailAddress"), []).append(customer)
    return by_email


def woo_customers(talk: Talk) -> dict[str, dict]:
    client = woo_client(talk)
    try:
        return {c["email"]: c for c in client.index("customers")}
    finally:
        client.close()


@pytest.fixture
def first_contact(talk: Talk):
    talk.load_fixture("woocommerce-poweroffice/first-contact.json")
    return talk


def test_first_sync_links_the_existing_records_creates_the_rest_once_and_places_guest_orders(first_contact: Talk):
    talk = first_contact
    talk.run(*FORWARD)

    customers = po_customers(talk)
    assert {email: len(found) for email, found in customers.items()} == {email: 1 for email in FIRST_CONTACT_EMAILS}
    (ola,) = customers["ola.nordmann@example.no"]
    assert ola["Id"] == 101  # linked, not duplicated
    (per,) = customers["per.woo@example.no"]
    assert (per["FirstName"], per["LastName"], per["IsPerson"]) == ("Per", "Woo", True)
    assert per["MailAddress"]["City"] == "Bergen"

    products = Counter(p["Code"] for p in talk.records("poweroffice", "products"))
    assert products == {"SKU-1001": 1, "SKU-2001": 1}
    kanne = next(p for p in talk.records("poweroffice", "products") if p["Code"] == "SKU-2001")
    assert (kanne["Name"], kanne["UnitPrice"]) == ("Kaffekanne", 399.0)

    orders = {o["CustomerId"]: o for o in talk.records("poweroffice", "sales_orders")}
    assert len(orders) == 3
    lines = po_client(talk).fetch("sales_orders", str(orders[per["Id"]]["Id"]))["SalesOrderLines"]
    assert sorted((line["Quantity"], line["ProductUnitPrice"]) for line in lines) == [(1, 399.0), (2, 149.0)]

    store = talk.store
    assert store.global_id("woocommerce", "customers", "11") == store.global_id("poweroffice", "customers", "101")
    assert store.global_id("woocommerce", "products", "31") == store.global_id("poweroffice", "products", "201")

    # Guest orders (customer_id 0) land on a customer matched or created by billing e-mail.
    (gina,) = customers["gina.gjest@example.no"]  # created from the guest order's billing address
    assert (gina["FirstName"], gina["LastName"], gina["MailAddress"]["City"]) == ("Gina", "Gjest", "Trondheim")
    (kari,) = customers["kari.hansen@example.no"]
    assert kari["Id"] == 102  # matched by e-mail: the PowerOffice customer she already was
    by_customer = Counter(o["CustomerId"] for o in talk.records("poweroffice", "sales_orders"))
    assert by_customer[gina["Id"]] == 1 and by_customer[102] == 1

    # Gina orders again as a guest: the same customer, no second one
    talk.load("woocommerce", "orders", [{"id": 54, "customer_id": 0, "currency": "NOK", "status": "processing",
                                         "billing": {"first_name": "Gina", "last_name": "Gjest", "email": "gina.gjest@example.no"},
                                         "line_items": [{"product_id": 31, "quantity": 1, "subtotal": "149.00", "total": "149.00"}]}])
    talk.run(*FORWARD)
    assert len(po_customers(talk)["gina.gjest@example.no"]) == 1
    assert Counter(o["CustomerId"] for o in talk.records("poweroffice", "sales_orders"))[gina["Id"]] == 2


def test_running_the_job_again_writes_nothing(first_contact: Talk):
    talk = first_contact
    talk.run_job(JOB)
    talk.clear_logs()
    talk.run_job(JOB)
    assert talk.writes("poweroffice") == []
    assert talk.writes("woocommerce") == []
    woo_gets = [e["path"] for e in talk.log("woocommerce") if e["method"] == "GET"]
    settings = [path for path in woo_gets if "/settings/" in path]
    # one page per stream, and the shop's "prices entered with tax" at most once (products carry it)
    assert len(woo_gets) - len(settings) <= 3 and len(settings) <= 1, woo_gets


def test_edits_on_both_sides_of_a_linked_customer_both_survive_one_job_run(first_contact: Talk):
    talk = first_contact
    talk.run_job(JOB)
    woo, po = woo_client(talk), po_client(talk)
    ola_woo = woo.fetch("customers", "11")
    woo.update("customers", "11", {"billing.phone": "+4799887766"}, ola_woo)
    time.sleep(1.1)  # WooCommerce's change times have whole seconds
    po.update("customers", "101", {"LastName": "Nordmann-Berg"}, po.fetch("customers", "101"))

    talk.run_job(JOB)

    ola_woo, ola_po = woo.fetch("customers", "11"), po.fetch("customers", "101")
    assert ola_woo["last_name"] == "Nordmann-Berg" and ola_woo["billing"]["phone"].replace(" ", "") == "+4799887766"
    assert ola_po["LastName"] == "Nordmann-Berg" and ola_po["PhoneNumber"].replace(" ", "") == "+4799887766"


def test_a_poweroffice_only_customer_reaches_woocommerce_only_once_that_direction_is_configured(first_contact: Talk):
    talk = first_contact
    talk.run_job(JOB)
    assert "lise.lund@example.no" not in woo_customers(talk)

    talk.run("--full-refresh", *REVERSE, env={"TARGET_WOOCOMMERCE_CREATE_FROM": json.dumps(["poweroffice"])})
    lise = woo_customers(talk)["lise.lund@example.no"]
    assert (lise["first_name"], lise["last_name"]) == ("Lise", "Lund")
    assert talk.store.global_id("woocommerce", "customers", str(lise["id"]))


def test_a_killed_run_run_again_leaves_no_duplicates_and_nothing_missing(first_contact: Talk):
    talk = first_contact
    assert talk.kill_after_writes(FORWARD, "poweroffice", writes=2, path_prefix="/v2/", method="POST") >= 2

    talk.run("--force", *FORWARD)

    customers = po_customers(talk)
    assert {email: len(found) for email, found in customers.items()} == {email: 1 for email in FIRST_CONTACT_EMAILS}
    assert Counter(p["Code"] for p in talk.records("poweroffice", "products")) == {"SKU-1001": 1, "SKU-2001": 1}
    assert len(talk.records("poweroffice", "sales_orders")) == 3


def test_rejected_records_are_reported_with_ids_and_reasons_and_the_rest_syncs(talk: Talk):
    talk.load_fixture("woocommerce-poweroffice/rejects.json")
    result = talk.run(*FORWARD)  # rejected records wait in the retry queue; the run goes on
    assert '"rejected": ' in result.stderr and talk.store.queue.entries(destination="poweroffice")

    reasons = {(r["source"]["entity"], r["source"]["id"]): r["reason"] for r in talk.rejects()}
    assert "address_country" in reasons[("customers", "62")]  # breaks the Talk model
    assert "FirstName and LastName are required" in reasons[("customers", "63")]  # PowerOffice refuses
    assert "not an amount of money" in reasons[("products", "72")]
    emails = {c.get("EmailAddress") for c in talk.records("poweroffice", "customers")}
    assert "good.customer@example.no" in emails and "madonna@example.no" not in emails
    codes = {p.get("Code") for p in talk.records("poweroffice", "products")}
    assert "GOOD-1" in codes and "BAD-PRICE" not in codes


def test_no_configured_secret_appears_in_any_log_or_reject_file(talk: Talk):
    talk.load_fixture("woocommerce-poweroffice/rejects.json")
    talk.run(*FORWARD, expect_ok=False)
    talk.meltano("--log-level=debug", "run", *REVERSE, env={"TARGET_WOOCOMMERCE_CREATE_FROM": json.dumps(["poweroffice"])})
    text = talk.outputs()
    for secret in SECRETS["poweroffice"] + SECRETS["woocommerce"]:
        assert secret not in text
    assert "Basic Y2" not in text and "oauth_signature" not in text
