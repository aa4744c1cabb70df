"""The tricky parts of reading PowerOffice GO: many pages, incremental runs, throttling, token expiry."""
from __future__ import annotations

import time

import pytest


@pytest.fixture()
def sized(poweroffice):
    """45 customers, 12 products, 7 orders; the rate limit and token lifetime as the real API's."""
    poweroffice.admin("settings", json={"requests_per_second": 10, "token_ttl_seconds": 1200})
    poweroffice.admin("reset")
    poweroffice.admin("seed", params={"customers": 45, "products": 12, "orders": 7})
    poweroffice.admin("log", method="DELETE")
    return poweroffice


def customer_pages(po) -> list[str]:
    return [e["query"] for e in po.log() if e["path"] == "/v2/Customers"]


def test_a_sync_reads_every_page_until_a_short_page(sized):
    records, _ = sized.sync(sized.config(page_size=10))
    assert len(records["customers"]) == 45
    assert len({r["Id"] for r in records["customers"]}) == 45
    assert len(records["products"]) == 12 and len(records["sales_orders"]) == 7
    assert {line["SalesOrderId"] for line in records["sales_order_lines"]} == {o["Id"] for o in records["sales_orders"]}
    pages = customer_pages(sized)
    assert len(pages) == 5 and "PageNumber=5" in pages[-1] and all("PageSize=10" in q for q in pages)


def test_an_empty_last_page_ends_the_sync(sized):
    records, _ = sized.sync(sized.config(page_size=15))  # 45 = 3 full pages, then a 204
    assert len(records["customers"]) == 45
    assert len(customer_pages(sized)) == 4


def test_a_second_run_with_state_returns_only_changed_records(sized):
    _, state = sized.sync(sized.config(page_size=20))
    customers = sized.call("GET", "/Customers", params={"PageSize": 3}).json()
    for customer in customers[1:3]:
        response = sized.call("PATCH", f"/Customers/{customer['Id']}", json=[
            {"op": "replace", "path": "/PhoneNumber", "value": "+47 400 00 001"}],
            headers={"Content-Type": "application/json-patch+json"})
        assert response.status_code == 200
    records, new_state = sized.sync(sized.config(page_size=20), state)
    assert sorted(r["Id"] for r in records["customers"]) == sorted(c["Id"] for c in customers[1:3])
    assert records["products"] == [] and records["sales_orders"] == []
    assert new_state["bookmarks"]["customers"]["replication_key_value"] > state["bookmarks"]["customers"]["replication_key_value"]


def test_throttling_is_waited_out_and_nothing_is_lost(sized):
    sized.admin("settings", json={"requests_per_second": 2})
    records, _ = sized.sync(sized.config(page_size=10, requests_per_second=0))  # no pacing: provoke 429s
    statuses = [e["status"] for e in sized.log()]
    assert 429 in statuses
    assert len(records["customers"]) == 45 and len(records["sales_orders"]) == 7


def test_an_expiring_token_is_renewed_mid_run(sized):
    sized.admin("settings", json={"token_ttl_seconds": 1})
    started = time.monotonic()
    records, _ = sized.sync(sized.config(page_size=5, requests_per_second=8))
    assert time.monotonic() - started > 1.5  # the run outlived its first token
    assert len(records["customers"]) == 45
    token_calls = [e for e in sized.log() if e["path"] == "/OAuth/Token"]
    assert len(token_calls) >= 2


def test_a_revoked_token_is_replaced_after_401(sized):
    sized.admin("faults", json={"path_prefix": "/v2/Products", "status": 401, "times": 1,
                                   "body": {"title": "Unauthorized", "status": 401, "detail": "Access token has expired."}})
    records, _ = sized.sync(sized.config())
    assert len(records["products"]) == 12
