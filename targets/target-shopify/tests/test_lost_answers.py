"""A mutation whose answer is lost, against the Shopify sandbox: a create is sent once and found
by its talk.global_id metafield; an update is retried; a 429 is retried (nothing was applied)."""
from __future__ import annotations

import time

import pytest
from talk.http import UnknownOutcome
from talk_sandbox.admin import SandboxAdmin
from talk_sandbox.common.emulator import LOST_ANSWERS as LOST
from talk_sandbox.processes import running

from target_shopify.client import ShopifyClient

TOKEN = "shpat_sandbox_token"
REFERENCE = {"talk": {"global_id": "talk-lost-1"}}
CREATES = {  # entity: (the mutation, a record carrying the global id in its metafield)
    "customers": ("customerCreate", {"firstName": "Per", "lastName": "Hansen", "email": "per.hansen@example.no",
                                     "metafields": REFERENCE}),
    "product_variants": ("productSet", {"fullTitle": "Tekanne", "product": {"status": "ACTIVE"}, "sku": "SKU-2002",
                                        "price": "349.00", "title": "Default Title", "metafields": REFERENCE}),
    "orders": ("orderCreate", {"email": "per.hansen@example.no", "currencyCode": "NOK", "metafields": REFERENCE,
                               "lineItems": [{"title": "Tekanne", "sku": "SKU-2002", "quantity": 1, "originalUnitPrice": "349.00"}]}),
}


@pytest.fixture(scope="module")
def url(tmp_path_factory):
    with running(["shopify"], tmp_path_factory.mktemp("shopify-lost")) as urls:
        yield urls["shopify"]


@pytest.fixture()
def shop(url):
    admin = SandboxAdmin(url)
    admin.reset()
    admin.settings(cost_bucket_max=2000, cost_restore_rate=100)
    yield admin
    admin.http.close()


def client_for(url: str, **config) -> ShopifyClient:
    return ShopifyClient({"base_url": url, "access_token": TOKEN, **config})


def calls_of(shop: SandboxAdmin, root: str, settle: float = 0) -> list[dict]:
    """Logged GraphQL requests selecting `root`; `settle` waits for an answer the emulator still holds."""
    time.sleep(settle)
    return [e for e in shop.log() if root in (e.get("root_fields") or [])]


@pytest.mark.parametrize("lost", LOST.values(), ids=LOST.keys())
@pytest.mark.parametrize("entity", CREATES)
def test_a_create_whose_answer_is_lost_is_sent_once_and_found_by_its_metafield(shop, url, entity, lost):
    mutation, record = CREATES[entity]
    client = client_for(url, timeout=1)
    shop.fault(method="POST", path_prefix=client.path, body_contains=mutation, **lost)
    with pytest.raises(UnknownOutcome):
        client.create(entity, record)
    assert len(calls_of(shop, mutation, settle=lost.get("delay_ms", 0) / 1000)) == 1

    shop.clear_log()
    found = client.find_by_reference(entity, ["talk-lost-1"])
    cost = len(shop.log())
    assert list(found) == ["talk-lost-1"] and found["talk-lost-1"]["metafields"] == REFERENCE
    assert found["talk-lost-1"] == client.fetch(entity, found["talk-lost-1"]["id"])  # the shape fetch returns
    assert cost == 2  # the newest records' references (one page), then the match in full
    client.close()


def test_an_id_that_never_landed_is_looked_for_in_every_page(shop, url):
    shop.seed(customers=300)
    client = client_for(url)
    assert client.find_by_reference("customers", ["talk-never-sent"]) == {}
    assert len(calls_of(shop, "customers")) == 2  # 302 customers, 250 a page
    client.close()


def test_an_update_answered_503_after_it_was_applied_is_retried_and_succeeds(shop, url):
    client = client_for(url)
    ola = next(c for c in client.index("customers") if c["email"] == "ola.nordmann@example.no")
    shop.fault(method="POST", path_prefix=client.path, body_contains="customerUpdate", after=True, status=503)
    stored = client.update("customers", ola["id"], {"phone": "+4798765432"}, ola)
    assert stored["phone"] == "+4798765432"
    assert [e["status"] for e in calls_of(shop, "customerUpdate")] == [503, 200]
    client.close()


def test_a_create_refused_with_429_is_sent_again_and_lands_once(shop, url):
    client = client_for(url)
    shop.fault(method="POST", path_prefix=client.path, body_contains="customerCreate", status=429, headers={"Retry-After": "0"})
    created = client.create("customers", CREATES["customers"][1])
    # the refused request never reached the GraphQL layer, so the log knows only its status
    assert [e["status"] for e in shop.log()] == [429, 200] and calls_of(shop, "customerCreate")
    assert [c["id"] for c in client.index("customers") if c["email"] == "per.hansen@example.no"] == [created["id"]]
    client.close()
