"""Creates whose answer is lost, end to end: real `meltano run` pipelines against the sandboxes,
each destination told to apply a create and then lose its answer (a 503, or the answer held
past the target's timeout). Nothing may be doubled, and every record must be linked in the
store by the end of the run, or at the latest by the next run."""
from __future__ import annotations

import json
import time
from collections import Counter
from typing import Callable

from harness import Talk
from systems import client, edit_native

TIMEOUT = "4"  # the target's timeout (seconds) in the runs below
HELD_MS = 7000  # how long the emulator holds a lost answer: past that timeout
AFTER_TIMEOUT = {"after": True, "status": 0, "delay_ms": HELD_MS}
AFTER_503 = {"after": True, "status": 503}


def read_all(system: str, talk: Talk, entity: str) -> list[dict]:
    """Every record of the destination, in the tap's shape, read through its API."""
    api = client(talk, system)
    try:
        return list(api.index(entity))
    finally:
        api.close()


def audit(talk: Talk, system: str, entity: str, records: list[dict], key: Callable[[dict], object],
          reference: Callable[[dict], str | None], native_id: Callable[[dict], object] = lambda r: r["id"]) -> tuple[dict, list]:
    """Records counted by `key` (an e-mail, a SKU, the external reference): those there more
    than once, and the records the store does not link under their reference (a record with
    no reference, which a PowerOffice product cannot carry, must be linked at all)."""
    links = talk.store.links_of_system(system, entity)
    duplicated = {k: n for k, n in Counter(key(r) for r in records).items() if n > 1}
    unlinked = [native_id(r) for r in records
                if links.get((entity, str(native_id(r)))) is None
                or (reference(r) is not None and links[(entity, str(native_id(r)))] != reference(r))]
    print(f"{system} {entity}: {len(records)} records, duplicated: {duplicated or 0}, not linked: {unlinked or 0}")
    return duplicated, unlinked


def lost_answers(talk: Talk, system: str, statuses: set[int] = frozenset({503})) -> list[dict]:
    """Logged writes whose answer the fault replaced: a 503, or one held past the timeout."""
    time.sleep(HELD_MS / 1000)  # a held answer is logged when the emulator finally sends it
    return [e for e in talk.writes(system) if e["status"] in statuses or e["duration_ms"] >= HELD_MS]


def settle(talk: Talk, pipeline: tuple[str, ...], checks: Callable[[], list[tuple[dict, list]]], env: dict) -> str:
    """No duplicate after the run; every record linked now or after one more run. Says which."""
    results = checks()
    print(f"rejected in the run: {len(talk.rejects())}")
    assert all(not duplicated for duplicated, _ in results), results
    if all(not unlinked for _, unlinked in results):
        return "linked by the end of the run"
    talk.run(*pipeline, env=env)
    results = checks()
    assert all(not duplicated and not unlinked for duplicated, unlinked in results), results
    return "linked by the next run"


# -- Shopify: GraphQL mutations -----------------------------------------------------------------
POWEROFFICE_TO_SHOPIFY = ("tap-poweroffice", "mapper-talk", "target-shopify")


def shopify_reference(record: dict) -> str | None:
    return ((record.get("metafields") or {}).get("talk") or {}).get("global_id")


def test_shopify_creates_answered_503_or_after_the_timeout_land_once_and_are_linked(talk: Talk):
    talk.load_fixture("poweroffice-shopify/first-contact.json")
    graphql = "/admin/api/"
    talk.fault("shopify", method="POST", path_prefix=graphql, body_contains='"SKU-1002"', **AFTER_503)  # the product create (a SKU search quotes it as sku:\\"SKU-1002\\")
    talk.fault("shopify", method="POST", path_prefix=graphql, body_contains="orderCreate", **AFTER_503)
    talk.fault("shopify", method="POST", path_prefix=graphql, body_contains="customerCreate", **AFTER_TIMEOUT)
    env = {"TARGET_SHOPIFY_TIMEOUT": TIMEOUT}
    talk.run(*POWEROFFICE_TO_SHOPIFY, env=env)

    lost = [(e["root_fields"], e["status"]) for e in lost_answers(talk, "shopify")]
    print(f"answers lost: {lost}")
    assert sorted(f[0] for f, _ in lost) == ["customerCreate", "orderCreate", "productSet"]

    def checks():
        customers = read_all("shopify", talk, "customers")
        products = read_all("shopify", talk, "product_variants")
        orders = read_all("shopify", talk, "orders")
        assert len(customers) == 5 and len(products) == 2 and len(orders) == 2  # nothing missing either
        return [
            audit(talk, "shopify", "customers", [c for c in customers if shopify_reference(c)], lambda c: c["email"], shopify_reference),
            audit(talk, "shopify", "product_variants", products, lambda v: v["sku"], shopify_reference),
            audit(talk, "shopify", "orders", orders, shopify_reference, shopify_reference),
        ]

    print(settle(talk, POWEROFFICE_TO_SHOPIFY, checks, env))
    roots = [(e["root_fields"] or [""])[0] for e in talk.writes("shopify")]
    creates = Counter(root for root in roots if root.endswith("Create"))
    print(f"create mutations sent: {dict(creates)}")
    assert creates == {"customerCreate": 3, "orderCreate": 2}  # each sent once: none sent again


# -- WooCommerce: /batch with creates, and with updates only ---------------------------------
WOOCOMMERCE_TO_POWEROFFICE = ("tap-woocommerce", "mapper-talk", "target-poweroffice")
POWEROFFICE_TO_WOOCOMMERCE = ("tap-poweroffice", "mapper-talk", "target-woocommerce")
CREATE_IN_WOOCOMMERCE = {"TARGET_WOOCOMMERCE_CREATE_FROM": json.dumps(["poweroffice"])}


def woo_reference(record: dict) -> str | None:
    return (record.get("meta") or {}).get("talk_global_id")


def edit_in_poweroffice(talk: Talk, email: str, **changes) -> None:
    customer = next(c for c in talk.records("poweroffice", "customers") if c.get("EmailAddress") == email)
    edit_native(talk, "poweroffice", "customers", customer["Id"], **changes)


def customer_batches(talk: Talk) -> list[int]:
    return [e["status"] for e in talk.writes("woocommerce") if e["path"] == "/wp-json/wc/v3/customers/batch"]


def test_woocommerce_batches_answered_503_land_once_are_linked_and_updates_are_retried(talk: Talk):
    talk.load_fixture("woocommerce-poweroffice/first-contact.json")
    talk.run(*WOOCOMMERCE_TO_POWEROFFICE)
    # One batch with a create (Lise lives in PowerOffice only; Kari is linked to her guest
    # order) and an update (Ola, edited in PowerOffice), its answer lost after it was applied.
    edit_in_poweroffice(talk, "ola.nordmann@example.no", LastName="Nordmann-Berg")
    talk.clear_logs()
    talk.fault("woocommerce", method="POST", path_prefix="/wp-json/wc/v3/customers/batch", **AFTER_503)
    talk.run(*POWEROFFICE_TO_WOOCOMMERCE, env=CREATE_IN_WOOCOMMERCE)

    print(f"customer batches: {customer_batches(talk)}")
    assert customer_batches(talk) == [503, 200]  # then the update alone: the create had landed

    def checks():
        customers = {c["email"]: c for c in read_all("woocommerce", talk, "customers")}
        assert "lise.lund@example.no" in customers and customers["ola.nordmann@example.no"]["last_name"] == "Nordmann-Berg"
        return [audit(talk, "woocommerce", "customers", list(customers.values()), lambda c: c["email"], woo_reference)]

    print(settle(talk, POWEROFFICE_TO_WOOCOMMERCE, checks, CREATE_IN_WOOCOMMERCE))

    # A batch of updates only sets values: the session sends it again after the 503.
    edit_in_poweroffice(talk, "lise.lund@example.no", LastName="Lund-Berg")
    talk.clear_logs()
    talk.fault("woocommerce", method="POST", path_prefix="/wp-json/wc/v3/customers/batch", **AFTER_503)
    talk.run(*POWEROFFICE_TO_WOOCOMMERCE, env=CREATE_IN_WOOCOMMERCE)

    print(f"update batches: {customer_batches(talk)}")
    assert customer_batches(talk) == [503, 200]
    customers = read_all("woocommerce", talk, "customers")
    assert next(c for c in customers if c["email"] == "lise.lund@example.no")["last_name"] == "Lund-Berg"
    duplicated, unlinked = audit(talk, "woocommerce", "customers", customers, lambda c: c["email"], woo_reference)
    assert not duplicated and not unlinked


# -- Custom Webshop: POST -------------------------------------------------------------------------
POWEROFFICE_TO_WEBSHOP = ("tap-poweroffice", "mapper-talk", "target-customwebshop")


def test_webshop_creates_answered_503_or_after_the_timeout_land_once_and_are_linked(talk: Talk):
    talk.load_fixture("customwebshop-poweroffice/poweroffice.json")
    talk.fault("customwebshop", method="POST", path_prefix="/api/v1/customers", **AFTER_503)
    talk.fault("customwebshop", method="POST", path_prefix="/api/v1/products", **AFTER_TIMEOUT)
    env = {"TARGET_CUSTOMWEBSHOP_CREATE_FROM": json.dumps(["poweroffice"]), "TARGET_CUSTOMWEBSHOP_TIMEOUT": TIMEOUT}
    talk.run(*POWEROFFICE_TO_WEBSHOP, env=env)

    lost = [e["path"] for e in lost_answers(talk, "customwebshop")]
    print(f"answers lost: {lost}")
    assert sorted(lost) == ["/api/v1/customers", "/api/v1/products"]

    def checks():
        customers = read_all("customwebshop", talk, "customers")
        products = read_all("customwebshop", talk, "products")
        assert len(customers) == 3 and len(products) == 1
        return [
            audit(talk, "customwebshop", "customers", customers, lambda c: c["email"], lambda c: c["external_reference"]),
            audit(talk, "customwebshop", "products", products, lambda p: p["sku"], lambda p: p["external_reference"]),
        ]

    print(settle(talk, POWEROFFICE_TO_WEBSHOP, checks, env))
    posts = Counter(e["path"] for e in talk.writes("customwebshop") if e["method"] == "POST")
    print(f"creates sent: {dict(posts)}")
    assert posts == {"/api/v1/customers": 3, "/api/v1/products": 1}


# -- PowerOffice GO: POST -------------------------------------------------------------------------
def test_poweroffice_creates_answered_503_or_after_the_timeout_land_once_and_are_linked(talk: Talk):
    talk.load_fixture("woocommerce-poweroffice/first-contact.json")
    talk.fault("poweroffice", method="POST", path_prefix="/v2/Customers", **AFTER_503)
    talk.fault("poweroffice", method="POST", path_prefix="/v2/Products", **AFTER_503)  # no reference: found by its code
    talk.fault("poweroffice", method="POST", path_prefix="/v2/SalesOrders/Complete", **AFTER_TIMEOUT)
    env = {"TARGET_POWEROFFICE_TIMEOUT": TIMEOUT}
    talk.run(*WOOCOMMERCE_TO_POWEROFFICE, env=env)

    lost = [e["path"] for e in lost_answers(talk, "poweroffice")]
    print(f"answers lost: {lost}")
    assert sorted(lost) == ["/v2/Customers", "/v2/Products", "/v2/SalesOrders/Complete"]

    def checks():
        customers = talk.records("poweroffice", "customers")
        products = talk.records("poweroffice", "products")
        orders = talk.records("poweroffice", "sales_orders")
        assert len(orders) == 3 and {"SKU-1001", "SKU-2001"} == {p["Code"] for p in products}
        synced = [c for c in customers if c.get("ExternalImportReference")]  # lise and kari live in PowerOffice only
        by_id = lambda r: r["Id"]  # noqa: E731
        return [
            audit(talk, "poweroffice", "customers", synced, lambda c: c["EmailAddress"], lambda c: c["ExternalImportReference"], by_id),
            audit(talk, "poweroffice", "products", products, lambda p: p["Code"], lambda p: None, by_id),
            audit(talk, "poweroffice", "sales_orders", orders, lambda o: o["ExternalImportReference"],
                  lambda o: o["ExternalImportReference"], by_id),
        ]

    print(settle(talk, WOOCOMMERCE_TO_POWEROFFICE, checks, env))
