"""Flow 000, PowerOffice GO <-> Shopify, end to end: real `meltano run` against the sandboxes."""
from __future__ import annotations

import json
import time
from collections import Counter

import pytest

from harness import SECRETS, Talk

FORWARD = ("tap-poweroffice", "mapper-talk", "target-shopify")
REVERSE = ("tap-shopify", "mapper-talk", "target-poweroffice")


def by_email(records):
    return {r["email"]: r for r in records if r.get("email")}


def po_client(talk: Talk):
    from target_poweroffice.client import PowerOfficeClient
    return PowerOfficeClient({"base_url": f"{talk.urls['poweroffice']}/v2", "application_key": SECRETS["poweroffice"][0],
                              "client_key": SECRETS["poweroffice"][1], "subscription_key": SECRETS["poweroffice"][2]})


def shopify_client(talk: Talk):
    from target_shopify.client import ShopifyClient
    return ShopifyClient({"base_url": talk.urls["shopify"], "access_token": SECRETS["shopify"][0]})


def shopify_records(talk: Talk, entity: str) -> list[dict]:
    """Read through the Admin API, in the shape tap-shopify emits."""
    client = shopify_client(talk)
    try:
        return list(client.index(entity))
    finally:
        client.close()


@pytest.fixture
def first_contact(talk: Talk):
    talk.load_fixture("poweroffice-shopify/first-contact.json")
    return talk


def test_first_sync_creates_every_poweroffice_record_once_and_links_the_existing_ones(first_contact: Talk):
    talk = first_contact
    talk.run(*FORWARD)

    customers = shopify_records(talk, "customers")
    emails = Counter(c.get("email") for c in customers)
    for email in ("ola.nordmann@example.no", "kari.hansen@example.no", "post@fjordkaffe.example.no",
                  "nils.berg@fjordkaffe.example.no", "kari.shopify@example.com"):
        assert emails[email] == 1, f"{email} appears {emails[email]} times in Shopify"
    assert len(customers) == 5

    ola = by_email(customers)["ola.nordmann@example.no"]
    assert ola["lastName"] == "Nordmann"
    assert ola["phone"] == "+47 912 34 567" or ola["phone"].replace(" ", "") == "+4791234567"
    org = by_email(customers)["post@fjordkaffe.example.no"]
    assert "organisation" in org["tags"]
    assert org["defaultAddress"]["company"] == "Fjordkaffe AS"

    variants = shopify_records(talk, "product_variants")
    skus = Counter(v["sku"] for v in variants)
    assert skus["SKU-1001"] == 1 and skus["SKU-1002"] == 1
    cup = next(v for v in variants if v["sku"] == "SKU-1001")
    assert cup["product"]["title"] == "Kaffekopp keramikk"  # the PowerOffice name replaced Shopify's on first contact
    beans = next(v for v in variants if v["sku"] == "SKU-1002")
    assert beans["price"] in ("189.00", "189.0")
    # The ERP's available stock: 300 on hand, 1 reserved by the confirmed order PO-4711.
    assert beans["inventoryQuantity"] == 299

    orders = shopify_records(talk, "orders")
    assert len(orders) == 2
    po_order = next(o for o in orders if o.get("poNumber") == "PO-4711")
    assert po_order["customer"]["id"] == ola["id"]
    assert sorted(li["sku"] for li in po_order["lineItems"]) == ["SKU-1001", "SKU-1002"]

    store = talk.store
    ola_global = store.global_id("poweroffice", "customers", "101")
    assert ola_global and store.global_id("shopify", "customers", ola["id"]) == ola_global
    cup_global = store.global_id("poweroffice", "products", "201")
    assert store.global_id("shopify", "product_variants", cup["id"]) == cup_global


def test_running_the_job_again_writes_nothing(first_contact: Talk):
    talk = first_contact
    talk.run_job()
    talk.clear_logs()
    talk.run_job()
    assert talk.writes("poweroffice") == []
    assert talk.writes("shopify") == []
    # One list call per stream, plus what stock costs: PowerOffice's products are listed twice
    # (changed, and stock moved: StockOnHandLastChanged) and its orders once more (orders
    # changed since the products' bookmark reserve stock without touching the product). Order
    # lines are read once per open order: a line edit moves no timestamp (docs/systems/poweroffice.md).
    po_reads = [e for e in talk.log("poweroffice") if e["method"] == "GET"]
    open_orders = len(talk.records("poweroffice", "sales_orders"))
    assert len(po_reads) <= 6 + open_orders, [e["path"] for e in po_reads]
    # (count queries, which tap-shopify asks to choose between paging and a bulk read, are not
    # lists; nor is `shop { taxesIncluded }`, asked at most once, when products are read)
    shopify_reads = [e for e in talk.log("shopify") if e.get("operation") == "query"
                     and not all(field.endswith("Count") for field in e["root_fields"])]
    shop_reads = [e for e in shopify_reads if e["root_fields"] == ["shop"]]
    assert len(shopify_reads) - len(shop_reads) <= 3 and len(shop_reads) <= 1, [e["root_fields"] for e in shopify_reads]


def test_edits_on_both_sides_of_a_linked_customer_both_survive_one_job_run(first_contact: Talk):
    talk = first_contact
    talk.run_job()
    shopify, po = shopify_client(talk), po_client(talk)
    ola_shopify = by_email(shopify_records(talk, "customers"))["ola.nordmann@example.no"]
    shopify.update("customers", ola_shopify["id"], {"phone": "+4799887766"}, ola_shopify)
    ola_po = po.fetch("customers", "101")
    time.sleep(0.01)
    po.update("customers", "101", {"LastName": "Nordmann-Berg"}, ola_po)

    talk.run_job()

    ola_shopify = by_email(shopify_records(talk, "customers"))["ola.nordmann@example.no"]
    ola_po = po.fetch("customers", "101")
    assert ola_shopify["lastName"] == "Nordmann-Berg"
    assert ola_shopify["phone"] == "+4799887766"
    assert ola_po["LastName"] == "Nordmann-Berg"
    assert ola_po["PhoneNumber"] == "+4799887766"


def test_a_customer_new_in_shopify_is_created_in_poweroffice_only_once_that_direction_is_configured(first_contact: Talk):
    talk = first_contact
    talk.run_job()
    emails = {c.get("EmailAddress") for c in talk.records("poweroffice", "customers")}
    assert "kari.shopify@example.com" not in emails

    # Configure the direction, then re-read Shopify once in full: Kari was read (and skipped)
    # before, so an incremental run would not see her again.
    talk.run("--full-refresh", *REVERSE, env={"TARGET_POWEROFFICE_CREATE_FROM": json.dumps(["shopify"])})
    created = [c for c in talk.records("poweroffice", "customers") if c.get("EmailAddress") == "kari.shopify@example.com"]
    assert len(created) == 1
    assert created[0]["FirstName"] == "Kari" and created[0]["LastName"] == "Shopify"
    assert talk.store.global_id("poweroffice", "customers", str(created[0]["Id"]))


def test_a_killed_run_run_again_leaves_no_duplicates_and_nothing_missing(first_contact: Talk):
    talk = first_contact
    assert talk.kill_after_writes(FORWARD, "shopify", writes=3, path_prefix="/admin/api", method="POST") >= 3

    # Meltano still sees the killed run as running: --force, as a user would after a crash.
    talk.run("--force", *FORWARD)

    customers = shopify_records(talk, "customers")
    assert sorted(Counter(c["email"] for c in customers).values()) == [1, 1, 1, 1, 1]
    assert sorted(v["sku"] for v in shopify_records(talk, "product_variants")) == ["SKU-1001", "SKU-1002"]
    assert len(shopify_records(talk, "orders")) == 2


def test_rejected_records_are_reported_with_ids_and_reasons_and_the_rest_syncs(talk: Talk):
    talk.load_fixture("poweroffice-shopify/rejects.json")
    result = talk.run(*FORWARD, expect_ok=False)
    assert result.returncode == 0, "rejected records wait in the retry queue; the run (and its job) goes on"
    queued = {(r["source_entity"], r["source_id"]) for r in talk.store.queue.entries(destination="shopify")}
    assert {("customers", "302"), ("customers", "303"), ("products", "402")} <= queued

    rejects = talk.rejects()
    reasons = {(r["source"]["entity"], r["source"]["id"]): r["reason"] for r in rejects}
    assert ("customers", "302") in reasons and "email" in reasons[("customers", "302")]  # breaks the schema
    assert ("customers", "303") in reasons and "Phone is invalid" in reasons[("customers", "303")]  # Shopify refuses
    assert ("products", "402") in reasons and "Title" in reasons[("products", "402")]
    emails = {c.get("email") for c in shopify_records(talk, "customers")}
    assert "good.customer@example.no" in emails
    skus = {v["sku"] for v in shopify_records(talk, "product_variants")}
    assert "GOOD-1" in skus and "BAD-TITLE" not in skus


def test_no_configured_secret_appears_in_any_log_or_reject_file(talk: Talk):
    talk.load_fixture("poweroffice-shopify/rejects.json")
    talk.run(*FORWARD, expect_ok=False)
    talk.run(*REVERSE)
    talk.meltano("--log-level=debug", "run", *FORWARD)
    text = talk.outputs()
    for secret in SECRETS["poweroffice"] + SECRETS["shopify"]:
        assert secret not in text
    assert "Bearer ey" not in text and "Basic c2" not in text


def test_the_job_keeps_its_links_in_postgresql_when_given_its_url(first_contact: Talk, postgres_url):
    import sqlalchemy as sa
    from talk.store import metadata

    engine = sa.create_engine(postgres_url)
    metadata.drop_all(engine)
    engine.dispose()
    talk = first_contact
    talk.env["TALK_STORE_URL"] = talk.store_url = postgres_url
    talk.run_job()
    assert sorted(Counter(c["email"] for c in shopify_records(talk, "customers")).values()) == [1, 1, 1, 1, 1]
    assert talk.store.global_id("poweroffice", "customers", "101")
    talk.clear_logs()
    talk.run_job()
    assert talk.writes("shopify") == [] and talk.writes("poweroffice") == []


def test_a_price_edited_in_shopify_reaches_poweroffice_and_is_not_overwritten(first_contact: Talk):
    talk = first_contact
    talk.run_job()
    shopify = shopify_client(talk)
    beans = next(v for v in shopify_records(talk, "product_variants") if v["sku"] == "SKU-1002")
    shopify.update("product_variants", beans["id"], {"price": "199.00"}, beans)

    talk.run_job()

    assert po_client(talk).fetch("products", "202")["UnitPrice"] == 199.0
    talk.run_job()  # the next run sets our price metafield, which the hand edit left behind
    beans = next(v for v in shopify_records(talk, "product_variants") if v["sku"] == "SKU-1002")
    assert beans["price"] in ("199.00", "199.0")
    assert beans["metafields"]["talk"]["price_excl_vat"] in ("199.00", "199.0")


def test_two_poweroffice_customers_matching_one_shopify_customer_are_not_merged(talk: Talk):
    talk.load_fixture("poweroffice-shopify/first-contact.json")
    talk.run(*FORWARD)
    # A second PowerOffice customer with Ola's e-mail: it must not become Ola.
    talk.load("poweroffice", "customers", [{"Id": 150, "IsPerson": True, "FirstName": "Ola", "LastName": "Junior",
                                             "EmailAddress": "ola.nordmann@example.no"}])
    talk.run(*FORWARD)
    (reject,) = [r for r in talk.rejects() if r["source"]["id"] == "150"]
    assert "already linked to poweroffice customers 101" in reject["reason"]
    store = talk.store
    assert store.global_id("poweroffice", "customers", "101") != store.global_id("poweroffice", "customers", "150")
    ola = by_email(shopify_records(talk, "customers"))["ola.nordmann@example.no"]
    assert ola["lastName"] == "Nordmann"
