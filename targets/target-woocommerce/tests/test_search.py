"""First-contact look-ups against the WooCommerce sandbox: `search` finds a customer by e-mail and
a product or variation by SKU with the list endpoints' own filters, in one request each, and
never reads a whole collection."""
from __future__ import annotations

import httpx
import pytest
from talk.client import NotSearchable
from talk_sandbox.harness import SECRETS

from target_woocommerce.client import WooCommerceClient

SIZES = [("GENSER-BM", "M"), ("GENSER-BL", "L")]


@pytest.fixture(scope="module")
def shop(sandbox_url):
    """Customers, a simple product, a variable product with a SKU of its own and two variations."""
    httpx.post(f"{sandbox_url}/_sandbox/reset").raise_for_status()
    woo = WooCommerceClient({"base_url": sandbox_url, "consumer_key": SECRETS["woocommerce"][0],
                             "consumer_secret": SECRETS["woocommerce"][1]})
    customers, _ = woo.write_batch("customers", [
        {"email": "ola@example.no", "first_name": "Ola", "last_name": "Nordmann"},
        {"email": "Kari.Hansen@Example.NO", "first_name": "Kari", "last_name": "Hansen"},
        {"email": "ola.nordmann@example.no", "first_name": "Ola", "last_name": "Annen"}], [])
    lue = woo.create("products", {"name": "Lue", "sku": "lue-ull", "regular_price": "99.00"})
    parent = woo.session.json("POST", "/products", json={
        "name": "Genser", "sku": "GENSER", "type": "variable",
        "attributes": [{"name": "Størrelse", "options": ["M", "L"], "variation": True, "visible": True}]})
    variations = [woo.session.json("POST", f"/products/{parent['id']}/variations", json={
        "sku": sku, "regular_price": "499.00", "attributes": [{"name": "Størrelse", "option": size}]})
        for sku, size in SIZES]
    yield {"customers": customers, "lue": lue, "parent": parent, "variations": variations}
    woo.close()


@pytest.fixture
def woo(shop, sandbox_url):
    """A client of a new run (it has read nothing yet), with the request log emptied."""
    httpx.delete(f"{sandbox_url}/_sandbox/log")
    client = WooCommerceClient({"base_url": sandbox_url, "consumer_key": SECRETS["woocommerce"][0],
                                "consumer_secret": SECRETS["woocommerce"][1]})
    yield client
    client.close()


def list_reads(sandbox_url: str) -> list[str]:
    """The collection reads the client made: path and query, settings reads left out."""
    return [f"{e['path']}?{e['query']}" for e in httpx.get(f"{sandbox_url}/_sandbox/log").json()
            if e["method"] == "GET" and "/settings/" not in e["path"]]


def test_a_customer_is_found_by_email_whatever_its_case_and_nothing_else(woo, shop, sandbox_url):
    assert [c["id"] for c in woo.search("customers", "email:ola@example.no")] == [shop["customers"][0]["id"]]
    kari = woo.search("customers", "email:kari.hansen@example.no")
    assert [(c["id"], c["email"], c["last_name"]) for c in kari] == [
        (shop["customers"][1]["id"], "Kari.Hansen@Example.NO", "Hansen")]
    assert woo.search("customers", "email:nobody@example.no") == []
    reads = list_reads(sandbox_url)
    assert len(reads) == 3 and all("email=" in read and "&page=" not in read for read in reads)


def test_a_product_and_a_variation_are_found_by_sku_and_a_variable_product_is_not(woo, shop, sandbox_url):
    (lue,) = woo.search("products", "sku:LUE-ULL")  # Talk's key is upper case; the shop's SKU is not
    assert (lue["id"], lue["sku"], lue["name"]) == (shop["lue"]["id"], "lue-ull", "Lue")
    (medium,) = woo.search("products", "sku:GENSER-BM")
    assert (medium["id"], medium["type"], medium["parent_id"], medium["name"]) == (
        shop["variations"][0]["id"], "variation", shop["parent"]["id"], "Genser - M")
    assert woo.search("products", "sku:GENSER") == []  # sold only as its variations, as the index lists it
    assert woo.search("products", "sku:UKJENT-1") == []
    reads = list_reads(sandbox_url)
    parent_reads = [r for r in reads if r.startswith(f"/wp-json/wc/v3/products/{shop['parent']['id']}?")]
    assert len(parent_reads) == 1  # the variation's parent, for its name
    assert all("sku=" in r for r in reads if r not in parent_reads) and len(reads) == 5


def test_what_woocommerce_cannot_filter_by_is_not_searchable(woo):
    for entity, key in (("orders", "email:ola@example.no"), ("customers", "org:923456789"),
                        ("products", "email:ola@example.no"), ("customers", "email:not-an-address")):
        with pytest.raises(NotSearchable):
            woo.search(entity, key)
