"""A write whose answer is lost, against the WooCommerce sandbox: a batch holding creates (or a
single create) is sent once and its records found by meta talk_global_id; a batch of updates
only is retried; a 429 is retried (nothing was applied); a trashed record counts as gone."""
from __future__ import annotations

import time

import pytest
from talk.http import UnknownOutcome
from talk_sandbox.admin import SandboxAdmin
from talk_sandbox.common.emulator import LOST_ANSWERS as LOST
from talk_sandbox.harness import SECRETS
from talk_sandbox.processes import running

from target_woocommerce.client import WooCommerceClient

ROOT = "/wp-json/wc/v3"


@pytest.fixture(scope="module")
def url(tmp_path_factory):
    with running(["woocommerce"], tmp_path_factory.mktemp("woocommerce-lost")) as urls:
        yield urls["woocommerce"]


@pytest.fixture()
def shop(url):
    admin = SandboxAdmin(url)
    admin.reset(demo=False)
    yield admin
    admin.http.close()


def client_for(url: str, **config) -> WooCommerceClient:
    return WooCommerceClient({"base_url": url, "consumer_key": SECRETS["woocommerce"][0],
                              "consumer_secret": SECRETS["woocommerce"][1], **config})


def customer(n: int) -> dict:
    return {"email": f"kunde{n}@example.no", "first_name": "Kunde", "last_name": f"Nummer {n}",
            "meta": {"talk_global_id": f"g-{n}"}}


def requests_to(shop: SandboxAdmin, method: str, path: str, settle: float = 0) -> list[dict]:
    """Logged requests; `settle` waits for a request whose answer the emulator still holds."""
    time.sleep(settle)
    return [e for e in shop.log() if e["method"] == method and e["path"] == ROOT + path]


@pytest.mark.parametrize("lost", LOST.values(), ids=LOST.keys())
def test_a_batch_with_creates_whose_answer_is_lost_is_sent_once_and_its_records_found(shop, url, lost):
    client = client_for(url)
    (first,), _ = client.write_batch("customers", [customer(1)], [])
    shop.fault(method="POST", path_prefix=f"{ROOT}/customers/batch", **lost)
    client = client_for(url, timeout=1)
    with pytest.raises(UnknownOutcome):
        client.write_batch("customers", [customer(2), customer(3)], [(str(first["id"]), {"last_name": "Endret"}, first)])
    assert len(requests_to(shop, "POST", "/customers/batch", settle=lost.get("delay_ms", 0) / 1000)) == 2  # ours: the 2nd

    shop.clear_log()
    found = client.find_by_reference("customers", ["g-2", "g-3", "g-never-sent"])
    assert sorted(found) == ["g-2", "g-3"] and found["g-3"] == client.fetch("customers", str(found["g-3"]["id"]))
    assert len(requests_to(shop, "GET", "/customers")) == 1  # the newest 100, then no more pages


@pytest.mark.parametrize("lost", LOST.values(), ids=LOST.keys())
def test_a_single_create_whose_answer_is_lost_is_sent_once_and_found(shop, url, lost):
    shop.fault(method="POST", path_prefix=f"{ROOT}/products", **lost)
    client = client_for(url, timeout=1)
    with pytest.raises(UnknownOutcome):
        client.create("products", {"name": "Kaffekanne", "sku": "SKU-2001", "regular_price": "399.00",
                                   "meta": {"talk_global_id": "p-1"}})
    assert len(requests_to(shop, "POST", "/products", settle=lost.get("delay_ms", 0) / 1000)) == 1
    assert client.find_by_reference("products", ["p-1"])["p-1"]["sku"] == "SKU-2001"


def test_a_batch_of_updates_only_answered_503_after_it_was_applied_is_retried(shop, url):
    client = client_for(url)
    (first,), _ = client.write_batch("customers", [customer(1)], [])
    shop.fault(method="POST", path_prefix=f"{ROOT}/customers/batch", after=True, status=503)
    _, (updated,) = client.write_batch("customers", [], [(str(first["id"]), {"last_name": "Endret"}, first)])
    assert updated["last_name"] == "Endret"
    assert [e["status"] for e in requests_to(shop, "POST", "/customers/batch")] == [200, 503, 200]


def test_a_batch_with_creates_refused_with_429_is_sent_again_and_lands_once(shop, url):
    shop.fault(method="POST", path_prefix=f"{ROOT}/customers/batch", status=429, headers={"Retry-After": "0"})
    client = client_for(url)
    (created,), _ = client.write_batch("customers", [customer(1)], [])
    assert [e["status"] for e in requests_to(shop, "POST", "/customers/batch")] == [429, 200]
    assert [c["id"] for c in client.index("customers")] == [created["id"]]


def test_a_trashed_product_counts_as_gone(shop, url):
    client = client_for(url)
    product = client.create("products", {"name": "Kaffekanne", "sku": "SKU-2001", "regular_price": "399.00",
                                         "meta": {"talk_global_id": "p-1"}})
    client.session.request("DELETE", f"/products/{product['id']}")  # to the trash, as in wp-admin
    assert client.fetch("products", str(product["id"])) is None
    assert client.fetch_many("products", [str(product["id"])]) == {}
    assert client.find_by_reference("products", ["p-1"]) == {}
