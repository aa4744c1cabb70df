"""A write whose answer is lost, against the real webshop emulator: a create is sent once and
found by its external_reference; an update is retried; a 429 is retried (nothing was applied)."""
from __future__ import annotations

import time

import pytest
from talk.http import UnknownOutcome
from talk_sandbox.admin import SandboxAdmin
from talk_sandbox.common.emulator import LOST_ANSWERS as LOST

from .conftest import client_for

CUSTOMERS = "/api/v1/customers"
NORA = {"type": "person", "first_name": "Nora", "last_name": "Bakke", "email": "nora@example.no",
        "external_reference": "talk-lost-1"}


def requests_to(shop: SandboxAdmin, method: str, path: str, settle: float = 0) -> list[dict]:
    """Logged requests; `settle` waits for a request whose answer the emulator still holds."""
    time.sleep(settle)
    return [e for e in shop.log() if e["method"] == method and e["path"] == path]


@pytest.mark.parametrize("lost", LOST.values(), ids=LOST.keys())
def test_a_create_whose_answer_is_lost_is_sent_once_and_found_by_its_reference(shop, url, lost):
    shop.fault(method="POST", path_prefix=CUSTOMERS, **lost)
    client = client_for(url, timeout=1)
    with pytest.raises(UnknownOutcome):
        client.create("customers", NORA)
    assert len(requests_to(shop, "POST", CUSTOMERS, settle=lost.get("delay_ms", 0) / 1000)) == 1

    found = client.find_by_reference("customers", ["talk-lost-1", "talk-never-sent"])
    assert list(found) == ["talk-lost-1"] and found["talk-lost-1"]["email"] == "nora@example.no"
    assert len(requests_to(shop, "GET", CUSTOMERS)) == 2  # one filtered list request per global id
    client.close()


def test_an_update_answered_503_after_it_was_applied_is_retried_and_succeeds(shop, url):
    client = client_for(url)
    nora = client.create("customers", NORA)
    shop.fault(method="PATCH", path_prefix=f"{CUSTOMERS}/", after=True, status=503)
    stored = client.update("customers", nora["id"], {"last_name": "Berg"}, nora)
    assert stored["last_name"] == "Berg"
    assert [e["status"] for e in requests_to(shop, "PATCH", f"{CUSTOMERS}/{nora['id']}")] == [503, 412]
    client.close()


def test_a_create_refused_with_429_is_sent_again_and_lands_once(shop, url):
    shop.fault(method="POST", path_prefix=CUSTOMERS, status=429, headers={"Retry-After": "0"})
    client = client_for(url)
    created = client.create("customers", NORA)
    assert [e["status"] for e in requests_to(shop, "POST", CUSTOMERS)] == [429, 201]
    assert [c["id"] for c in client.index("customers") if c["external_reference"] == "talk-lost-1"] == [created["id"]]
    client.close()
